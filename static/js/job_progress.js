// Progress of a background task (an official's export, a large list of enterprises): polls the status
// URL of the box marked data-status-url (JSON: status, label, text, rows_done, rows_total, percent) and
// moves its progress bar; once the status is no longer one of the box's data-waiting statuses (or the JSON
// says `stalled`: no progress for a long time), reloads the page, which then shows the outcome (or the
// retry button). Without JavaScript the page offers a plain reload link instead.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box) { return; }
  var waiting = (box.dataset.waiting || "queued running").split(" ");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-status-label]");
  var text = box.querySelector("[data-status-text]");
  var delay = 1000;

  function show(data) {
    if (bar && data.rows_total > 0) {
      bar.max = data.rows_total;
      bar.value = Math.min(data.rows_done, data.rows_total);
      bar.textContent = data.percent + "%";
    }
    if (label) { label.textContent = data.label; }
    if (text) { text.textContent = data.text; }
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
        if (data.stalled || waiting.indexOf(data.status) === -1) {  // stalled: the page offers a retry
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
