// Check page: the submit button first opens a confirmation (frameworks, answers missing, values to
// check); only its confirm button submits, and once (a double click does not submit twice; the server
// refuses a second submission anyway). Without the script the button submits directly.
(function () {
  "use strict";
  var form = document.getElementById("submit-form");
  var button = document.getElementById("submit-button");
  var dialog = document.getElementById("submit-confirm");
  if (!form || !button) { return; }
  var confirmButton = document.getElementById("confirm-submit");
  if (dialog) {
    dialog.querySelector("[data-confirm-cancel]").addEventListener("click", function () { dialog.close(); });
  }
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    if (dialog && typeof dialog.showModal === "function" && event.submitter !== confirmButton) {
      event.preventDefault();
      if (!dialog.open) { dialog.showModal(); }
      confirmButton.focus();
      return;
    }
    form.dataset.sent = "1";
    window.setTimeout(function () {
      button.disabled = true;
      if (confirmButton) { confirmButton.disabled = true; }
      button.textContent = button.dataset.busy;
    }, 0);
  });
})();
