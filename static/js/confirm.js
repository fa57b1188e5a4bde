// Confirmation before a destructive action. A button or link with data-confirm opens a modal dialog
// saying what will happen (the server's words, in the page's language; Esc or 取消 closes it). Confirming
// posts with confirm=1 and stays on the page, so nothing typed elsewhere on it is lost: the item
// (data-confirm-item) is removed in place and the outcome announced. Without JS, or without <dialog>,
// the same link or button leads to the confirmation page.
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) { return; }
  var form = document.getElementById("confirm-dialog-form");
  var title = document.getElementById("confirm-dialog-title");
  var text = document.getElementById("confirm-dialog-text");
  var error = dialog.querySelector("[data-confirm-error]");
  var submit = dialog.querySelector("[data-confirm-submit]");
  var cancel = dialog.querySelector("[data-confirm-cancel]");
  var outcome = document.getElementById("confirm-outcome");
  var trigger = null;

  function open(el) {
    trigger = el;
    form.action = el.dataset.confirm;
    form.elements.return_to.value = el.dataset.confirmReturn || "";
    title.textContent = el.dataset.confirmTitle;
    text.textContent = el.dataset.confirmText;
    submit.textContent = el.dataset.confirmAction;
    submit.disabled = false;
    error.textContent = "";
    dialog.showModal();
    cancel.focus(); // the harmless choice first
  }
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (!el) { return; }
    event.preventDefault(); // the link or (fill page) save-then-confirm button is the no-JS path
    open(el);
  });
  cancel.addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () {
    if (trigger && document.body.contains(trigger)) { trigger.focus(); }
  });

  function announce(message, ok) {
    outcome.className = "alert " + (ok ? "alert-success" : "alert-danger");
    outcome.textContent = message;
  }
  function removeItem(item) {
    var list = item.closest("[data-confirm-list]");
    item.remove();
    if (list && !list.querySelector("[data-confirm-item]")) {
      list.hidden = true;
      var empty = list.dataset.confirmEmpty ? document.getElementById(list.dataset.confirmEmpty) : null;
      if (empty) { empty.hidden = false; }
    }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit.disabled = true;
    fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (data.redirect) { window.location.href = data.redirect; return; }
      var item = data.ok && trigger ? trigger.closest("[data-confirm-item]") : null;
      if (item) { trigger = null; }
      dialog.close();
      if (item) { removeItem(item); }
      announce(data.message, data.ok);
      if (item) { outcome.focus(); }
      document.dispatchEvent(new CustomEvent("confirm:done", { detail: { ok: data.ok } }));
    }).catch(function () {
      submit.disabled = false;
      error.textContent = dialog.dataset.textFailed;
    });
  });
})();
