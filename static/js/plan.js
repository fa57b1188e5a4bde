// Improvement plan page: each change (add, save, status or quarter picked, move, remove) is sent at once and
// the projection and the rows are redrawn from the server's answer. Works on top of forms that post without JS.
// Nothing typed is lost: unsaved text in other rows is put back after a redraw, and a refused change leaves
// the fields as they are, with the message (and, when a colleague changed the row, both values) beside them.
(function () {
  "use strict";
  var root = document.getElementById("plan");
  if (!root || root.dataset.editable !== "1" || !window.fetch) { return; }
  var url = root.dataset.url;
  var words = root.dataset;
  var statusEl = document.getElementById("plan-status");
  var rowsEl = document.getElementById("plan-rows");
  var projectionEl = document.getElementById("plan-projection");
  var chain = Promise.resolve();

  function announce(text) {
    statusEl.textContent = "";
    window.setTimeout(function () { statusEl.textContent = text; }, 30);
  }
  function rowOf(el) { return el ? el.closest(".plan-row") : null; }
  function rowByCode(code) {
    return Array.prototype.find.call(rowsEl.querySelectorAll(".plan-row"), function (r) { return r.dataset.code === code; });
  }
  function fields(scope) { return scope.querySelectorAll("input:not([type=hidden]), select, textarea"); }
  function changed(el) {
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return el.value !== el.defaultValue;
  }
  // Unsaved edits of the rows other than `except`, by row code and field name.
  function unsaved(except) {
    var kept = [];
    Array.prototype.forEach.call(rowsEl.querySelectorAll(".plan-row"), function (row) {
      if (row.dataset.code === except) { return; }
      Array.prototype.forEach.call(fields(row), function (el) {
        if (changed(el)) { kept.push([row.dataset.code, el.name, el.value]); }
      });
    });
    return kept;
  }
  function restore(kept) {
    kept.forEach(function (k) {
      var row = rowByCode(k[0]);
      var el = row ? row.querySelector("[name='" + k[1] + "']") : null;
      if (el) { el.value = k[2]; }
    });
  }
  function syncPicker(codes) {
    var chosen = {};
    codes.forEach(function (c) { chosen[c] = true; });
    Array.prototype.forEach.call(document.querySelectorAll(".plan-pick"), function (item) {
      item.hidden = !!chosen[item.dataset.code];
    });
    var select = document.getElementById("plan-other");
    if (select) {
      Array.prototype.forEach.call(select.options, function (o) { o.hidden = o.disabled = !!chosen[o.value]; });
      if (select.selectedOptions.length && select.selectedOptions[0].disabled) {
        var free = Array.prototype.find.call(select.options, function (o) { return !o.disabled; });
        if (free) { select.value = free.value; }
      }
    }
  }
  function redraw(data, code, op) {
    var focused = document.activeElement;
    var focusRow = rowOf(focused);
    var focus = focusRow && focused.name ? [focusRow.dataset.code, focused.name, focused.value] : null;
    var kept = unsaved(op === "update" || op === "remove" ? code : null);
    var removedAt = Array.prototype.indexOf.call(rowsEl.querySelectorAll(".plan-row"), rowByCode(code));
    projectionEl.innerHTML = data.projection;
    rowsEl.innerHTML = data.rows;
    restore(kept);
    syncPicker(data.codes || []);
    var target = null;
    if (op === "add") {
      var added = rowByCode(code);
      target = added ? added.querySelector("[name=owner]") : null;
    } else if (op === "remove") {
      // The row is gone: the focus goes to the row that took its place, else to the action in the picker,
      // else to the list's heading (never back to the top of the page).
      var rows = rowsEl.querySelectorAll(".plan-row");
      var next = rows[Math.min(removedAt, rows.length - 1)];
      var pick = document.querySelector(".plan-pick[data-code='" + code + "']:not([hidden]) button[type=submit]");
      var heading = document.getElementById("plan-rows-title");
      [next && next.querySelector("input:not([type=hidden]), select, textarea, button"), pick, heading].some(function (el) {
        if (!el) { return false; }
        if (el === heading) { el.setAttribute("tabindex", "-1"); }
        el.focus();
        return document.activeElement === el;
      });
    } else if (focus) {
      var row = rowByCode(focus[0]);
      var candidates = row ? row.querySelectorAll("[name='" + focus[1] + "']") : [];
      target = Array.prototype.find.call(candidates, function (el) {
        return el.tagName !== "BUTTON" || el.value === focus[2];
      }) || null;
      if (target && target.disabled) { target = row.querySelector("button[value=update]"); }
    }
    if (target) { target.focus(); }
  }
  function showError(code, data) {
    var row = code ? rowByCode(code) : null;
    var box = row ? row.querySelector(".plan-row-status") : null;
    if (!box) { announce(data.error); return; }
    box.innerHTML = "";
    box.className = "col-12 small plan-row-status alert alert-danger py-2 mb-0";
    box.setAttribute("role", "alert");
    box.appendChild(document.createTextNode(data.error));
    if (data.conflicts && data.conflicts.length) {
      var list = document.createElement("ul");
      list.className = "mb-1 mt-1";
      data.conflicts.forEach(function (c) {
        var li = document.createElement("li");
        li.textContent = c.label + "：" + words.theirsLabel + " “" + c.theirs_text + "”，" + words.mineLabel + " “" + c.mine_text + "”";
        list.appendChild(li);
      });
      box.appendChild(list);
      var keep = document.createElement("button");
      keep.type = "button";
      keep.className = "btn btn-sm btn-outline-secondary";
      keep.textContent = words.keepTheirs;
      keep.addEventListener("click", function () {
        data.conflicts.forEach(function (c) {
          var el = row.querySelector("[name='" + c.field + "']");
          if (el) { el.value = c.theirs; }
        });
        box.className = "col-12 small plan-row-status";
        box.textContent = words.keptTheirs;
      });
      box.appendChild(keep);
    }
    // The person has now seen the colleague's values: saving again keeps theirs or this person's, knowingly.
    if (data.rows) {
      var fresh = document.createElement("div");
      fresh.innerHTML = data.rows;
      var newer = Array.prototype.find.call(fresh.querySelectorAll(".plan-row"), function (r) { return r.dataset.code === code; });
      var revision = newer ? newer.querySelector("[name=revision]") : null;
      if (revision && row.querySelector("[name=revision]")) { row.querySelector("[name=revision]").value = revision.value; }
      if (!newer) { row.querySelectorAll("button").forEach(function (b) { b.disabled = b.value !== "remove"; }); }
    }
    if (data.projection) { projectionEl.innerHTML = data.projection; }
  }
  function send(form, op) {
    var data = new FormData(form);
    data.set("op", op);
    var code = data.get("code") || "";
    var row = rowOf(form);
    var box = row ? row.querySelector(".plan-row-status") : null;
    if (box) { box.className = "col-12 small plan-row-status text-muted"; box.removeAttribute("role"); box.textContent = words.saving; }
    chain = chain.then(function () {
      return fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      }).then(function (response) {
        return response.json().then(function (json) { return [response.status, json]; });
      }).then(function (result) {
        var json = result[1];
        if (json.ok) {
          redraw(json, code, op);
          announce(json.message);
        } else {
          showError(code, json);
        }
      }).catch(function () {
        showError(code, { error: words.offline });
      });
    });
    return chain;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form.plan-change");
    if (!form) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    var op = submitter && submitter.name === "op" ? submitter.value : (form.querySelector("input[name=op]") || {}).value || "update";
    send(form, op);
  });
  // A status or quarter picked counts at once: the projection follows the choice.
  document.addEventListener("change", function (event) {
    if (!event.target.classList.contains("plan-auto")) { return; }
    send(event.target.form, "update");
  });
})();
