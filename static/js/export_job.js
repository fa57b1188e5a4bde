// Export job page: polls the job's status (JSON) and moves the progress bar; when the job is done or has
// failed, reloads the page, which then shows the download link or the retry button. Without JavaScript
// the page offers a plain reload link instead.
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) { return; }
  var bar = document.getElementById("export-progress");
  var label = document.getElementById("export-label");
  var text = document.getElementById("export-text");
  var delay = 1000;

  function show(data) {
    if (data.rows_total > 0) {
      bar.max = data.rows_total;
      bar.value = Math.min(data.rows_done, data.rows_total);
    }
    bar.textContent = data.percent + "%";
    label.textContent = data.label;
    text.textContent = data.text;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        if (!data) { return; }
        show(data);
        if (data.status === "done" || data.status === "failed") {
          window.location.reload();
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);  // server busy or offline: back off, keep trying
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
