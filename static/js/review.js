// Review page: the submit button sends once (a double click does not submit twice; the server refuses a
// second submission anyway).
(function () {
  "use strict";
  var form = document.getElementById("submit-form");
  var button = document.getElementById("submit-button");
  if (!form || !button) { return; }
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    window.setTimeout(function () {
      button.disabled = true;
      button.textContent = button.dataset.busy;
    }, 0);
  });
})();
