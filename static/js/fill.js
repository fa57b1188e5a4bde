// Fill page: conditional questions, exclusive options, autosave with retry and a localStorage queue,
// refresh of computed values and of colleagues' changes. Works on top of a form that saves without JS.
(function () {
  "use strict";
  var root = document.getElementById("fill");
  var form = document.getElementById("answers-form");
  if (!root || !form) { return; }
  var d = root.dataset;
  var storeKey = "gzp-queue-" + d.assessment + "-" + d.user;
  var statusEl = document.getElementById("save-status");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var since = d.now;
  var inputs = JSON.parse(document.getElementById("condition-inputs").textContent || "{}");
  var queue = loadQueue();
  // On a phone the section list starts folded so the questions come first.
  var nav = document.querySelector(".fill-nav");
  if (nav && window.matchMedia("(max-width: 991.98px)").matches) { nav.open = false; }
  var timer = null;
  var backoff = 0;
  var sending = false;
  var stopped = false;

  function loadQueue() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function storeQueue() {
    try { window.localStorage.setItem(storeKey, JSON.stringify(queue)); } catch (e) { /* private mode: memory only */ }
  }
  function setStatus(text, kind) {
    if (!statusEl) { return; }
    statusEl.textContent = text;
    statusEl.className = kind === "error" ? "text-danger" : (kind === "ok" ? "text-success" : "text-muted");
  }
  function card(code) { return document.getElementById("q-" + code); }
  function fieldsOf(code) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name === code || el.name === code + "__reason";
    });
  }

  // --- reading and writing a question's fields -------------------------------------------------------
  function entries(code) {
    var pairs = [];
    fieldsOf(code).forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      pairs.push([el.name, el.value]);
    });
    return pairs;
  }
  function applyEntries(code, pairs) {
    fieldsOf(code).forEach(function (el) {
      var values = pairs.filter(function (p) { return p[0] === el.name; }).map(function (p) { return p[1]; });
      if (el.type === "radio" || el.type === "checkbox") { el.checked = values.indexOf(el.value) !== -1; }
      else { el.value = values.length ? values[0] : ""; }
    });
  }
  function valueText(shape, value) {
    if (value === null || value === undefined) { return []; }
    if (shape === "lines" && Array.isArray(value)) {
      return [value.map(function (p) { return p.name + ", " + p.share; }).join("\n")];
    }
    if (value === true) { return ["true"]; }
    if (value === false) { return ["false"]; }
    if (Array.isArray(value)) { return value.map(String); }
    if (typeof value === "object") { return []; }
    return [String(value)];
  }
  function jsValue(code) {
    // The current answer as the conditions read it (numbers as numbers, yes/no as booleans).
    var c = card(code);
    var shape = c ? c.dataset.value : "";  // the question type's value shape, rendered by the server
    var values = entries(code).filter(function (p) { return p[0] === code; }).map(function (p) { return p[1]; });
    if (shape === "list") { return values.length ? values : null; }
    var v = values.length ? values[0] : "";
    if (v === "") { return null; }
    if (shape === "boolean") { return v === "true"; }
    if (shape === "number") {
      var n = Number(v);
      return isNaN(n) ? null : n;
    }
    return v;
  }

  // --- conditions (same reading as questionnaires/logic.py) ------------------------------------------
  function answered(v) {
    return v !== null && v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0);
  }
  function same(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") { return a === b; }
    return a === b;
  }
  function compare(key, value, operand) {
    if (key === "gt" || key === "ge" || key === "lt" || key === "le") {
      if (typeof value !== "number" || typeof operand !== "number") { return false; }
      return key === "gt" ? value > operand : key === "ge" ? value >= operand : key === "lt" ? value < operand : value <= operand;
    }
    if (Array.isArray(value)) {
      if (key === "equals") { return value.indexOf(operand) !== -1; }
      if (key === "not_equals") { return value.indexOf(operand) === -1; }
      return operand.some(function (item) { return value.indexOf(item) !== -1; });
    }
    if (key === "equals") { return same(value, operand); }
    if (key === "not_equals") { return !same(value, operand); }
    return operand.some(function (item) { return same(value, item); });
  }
  function evaluate(condition) {
    if (!condition) { return true; }
    if (condition.all) { return condition.all.every(evaluate); }
    if (condition.any) { return condition.any.some(evaluate); }
    if (condition.not) { return !evaluate(condition.not); }
    var value = inputs[condition.question];
    if ("answered" in condition) { return answered(value) === Boolean(condition.answered); }
    if (!answered(value)) { return false; }
    var keys = ["equals", "not_equals", "in", "gt", "ge", "lt", "le"];
    for (var i = 0; i < keys.length; i++) {
      if (keys[i] in condition) { return compare(keys[i], value, condition[keys[i]]); }
    }
    return true;
  }
  function refreshConditions() {
    document.querySelectorAll(".question[data-condition]").forEach(function (c) {
      c.hidden = !evaluate(JSON.parse(c.dataset.condition));
    });
  }

  // --- autosave ---------------------------------------------------------------------------------------
  function showError(code, message) {
    var c = card(code);
    if (!c) { return; }
    var box = c.querySelector("[data-error]");
    if (box) { box.textContent = message || ""; }
    fieldsOf(code).forEach(function (el) { el.classList.toggle("is-invalid", Boolean(message)); });
  }
  // The save time of each answer as this page last saw it: sent with every save, so the server never
  // overwrites a newer answer a colleague saved meanwhile without showing it here first.
  var seen = {};
  document.querySelectorAll(".question[data-code]").forEach(function (c) { seen[c.dataset.code] = c.dataset.seen || ""; });
  function enqueue(code) {
    var bad = fieldsOf(code).some(function (el) { return el.validity && el.validity.badInput; });
    if (bad) { return; } // a half-typed number: the browser cannot tell us the value yet
    var base = queue[code] && "seen" in queue[code] ? queue[code].seen : seen[code];
    queue[code] = { pairs: entries(code), t: Date.now(), seen: base === undefined ? "" : base };
    storeQueue();
    setStatus(d.textPending);
    schedule(800);
  }
  function schedule(delay) {
    if (stopped) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(flush, delay);
  }
  function body(codes) {
    // Every pending answer in one request: `question` repeated, the fields, and each one's base.
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    codes.forEach(function (code) {
      var item = queue[code];
      data.append("question", code);
      item.pairs.forEach(function (p) { data.append(p[0], p[1]); });
      if ("seen" in item) { data.append(code + "__seen", item.seen || ""); }
    });
    return data;
  }
  function showConflict(code, result) {
    var c = card(code);
    if (!c) { return; }
    var box = c.querySelector("[data-conflict]");
    if (!box) {
      box = document.createElement("div");
      box.className = "alert alert-danger py-2 px-2 small mb-2";
      box.setAttribute("role", "alert");
      box.setAttribute("data-conflict", "");
      var anchor = c.querySelector(".col-md-8");
      anchor.insertBefore(box, anchor.children[1] || null);
    }
    box.textContent = "";
    var head = document.createElement("strong");
    head.textContent = d.textConflict.replace("%(name)s", result.by || "").replace("%(time)s", new Date(result.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }));
    box.appendChild(head);
    [[d.textTheirs, result.theirs_text], [d.textMine, result.mine_text]].forEach(function (line) {
      var div = document.createElement("div"); div.textContent = line[0] + line[1]; box.appendChild(div);
    });
    var actions = document.createElement("div");
    actions.className = "mt-1 d-flex flex-wrap gap-2";
    var take = document.createElement("button");
    take.type = "button"; take.className = "btn btn-sm btn-outline-secondary"; take.textContent = d.textTake;
    take.addEventListener("click", function () {
      applyEntries(code, valueText(c.dataset.type, result.theirs).map(function (v) { return [code, v]; }));
      inputs[code] = result.theirs;
      seen[code] = result.at;
      delete queue[code];
      storeQueue();
      box.remove();
      showError(code, "");
      refreshConditions();
    });
    var keep = document.createElement("button");
    keep.type = "button"; keep.className = "btn btn-sm btn-outline-success"; keep.textContent = d.textKeep;
    keep.addEventListener("click", function () {
      seen[code] = result.at;
      if (queue[code]) { queue[code].seen = result.at; delete queue[code].rejected; }
      else { enqueue(code); }
      storeQueue();
      box.remove();
      showError(code, "");
      schedule(50);
    });
    actions.appendChild(take); actions.appendChild(keep);
    box.appendChild(actions);
  }
  function flush() {
    if (sending || stopped) { return Promise.resolve(); }
    var codes = Object.keys(queue).filter(function (code) { return !queue[code].rejected; });
    if (!codes.length) { return Promise.resolve(); }
    sending = true;
    setStatus(d.textSaving);
    var sent = {};
    codes.forEach(function (code) { sent[code] = queue[code].t; });
    var failed = false;
    return fetch(d.autosaveUrl, {
      method: "POST", body: body(codes), credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        stopped = true;
        var banner = document.getElementById("login-banner");
        banner.querySelector(".message").textContent = d.textLogin;
        banner.hidden = false;
        return;
      }
      if (response.status === 409) { stopped = true; setStatus(d.textLocked, "error"); return; }
      if (response.status >= 500) { failed = true; return; }
      return response.json().then(function (data) {
        (data.results || []).forEach(function (result) {
          var code = result.question;
          var current = queue[code] && queue[code].t === sent[code];
          if (result.ok) {
            seen[code] = result.saved_at;
            if (current) { delete queue[code]; } else if (queue[code]) { queue[code].seen = result.saved_at; }
            showError(code, "");
          } else if (current) {
            queue[code].rejected = true;
            showError(code, result.error);
            if (result.conflict) { showConflict(code, result); }
          }
        });
        storeQueue();
      });
    }, function () { failed = true; }).then(function () {
      sending = false;
      if (stopped) { return; }
      if (failed) {
        backoff = Math.min(backoff ? backoff * 2 : 1000, 30000);
        setStatus(d.textOffline, "error");
        schedule(backoff);
        return;
      }
      backoff = 0;
      var rejected = Object.keys(queue).some(function (code) { return queue[code].rejected; });
      if (rejected) { setStatus(d.textError, "error"); }
      else if (Object.keys(queue).length) { schedule(300); }
      else {
        setStatus(d.textSaved + " " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }), "ok");
      }
      refreshState();
    });
  }

  // --- state from the server: computed values, progress, colleagues' changes ----------------------------
  function refreshState() {
    if (stopped) { return; }
    var url = d.stateUrl + "?section=" + encodeURIComponent(d.section) + "&since=" + encodeURIComponent(since);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } }).then(function (response) {
      if (!response.ok) { return null; }
      return response.json();
    }).then(function (state) {
      if (!state) { return; }
      since = state.now;
      Object.keys(state.inputs || {}).forEach(function (code) {
        if (!card(code) || !(code in queue)) { inputs[code] = state.inputs[code]; }
      });
      Object.keys(state.computed || {}).forEach(function (code) {
        var c = card(code);
        if (!c) { return; }
        var info = state.computed[code];
        var out = c.querySelector("[data-computed-value]");
        if (out) { out.textContent = info.text || "—"; }
        var list = c.querySelector("[data-computed-derivation]");
        if (list) {
          list.textContent = "";
          info.derivation.forEach(function (line) {
            var li = document.createElement("li"); li.textContent = line; list.appendChild(li);
          });
        }
        var note = c.querySelector("[data-computed-note]");
        if (note) { note.textContent = info.note || ""; }
      });
      // An option proposed by the figures (增加/持平/降低 from the computed change): pre-selected only
      // while nothing is chosen, never replacing a choice; the sentence says it is a proposal.
      Object.keys(state.proposals || {}).forEach(function (code) {
        var c = card(code);
        if (!c) { return; }
        var info = state.proposals[code];
        var note = c.querySelector("[data-choice-proposal]");
        if (note) { note.textContent = info ? info.text : ""; note.setAttribute("data-choice-proposal", info ? info.option : ""); }
        if (!info || code in queue || c.contains(document.activeElement)) { return; }
        var fields = fieldsOf(code).filter(function (el) { return el.type === "radio"; });
        if (fields.some(function (el) { return el.checked; })) { return; }
        fields.forEach(function (el) { el.checked = el.value === info.option; });
        inputs[code] = jsValue(code);
        enqueue(code);
      });
      (state.changes || []).forEach(function (change) {
        var c = card(change.question);
        if (!c || change.question in queue || c.contains(document.activeElement)) { return; }
        applyEntries(change.question, valueText(c.dataset.value, change.value).map(function (v) { return [change.question, v]; }));
        inputs[change.question] = change.value;
        seen[change.question] = change.at;
        var badge = c.querySelector("[data-changed-badge]");
        if (badge) { badge.textContent = d.textChanged.replace("%(name)s", change.by); badge.hidden = false; }
      });
      Object.keys(state.progress || {}).forEach(function (key) {
        var el = document.querySelector("[data-progress='" + key + "']");
        if (el) {
          var p = state.progress[key];
          el.textContent = p.required ? p.answered + "/" + p.required : el.dataset.optional;
          el.className = "badge " + (p.required && p.answered >= p.required ? "text-bg-success" : "text-bg-light border");
        }
      });
      // Consistency findings at their fields: impossible combinations, jumps since last year.
      if (state.checks) {
        document.querySelectorAll("#answers-form [data-check]").forEach(function (el) { el.remove(); });
        Object.keys(state.checks).forEach(function (code) {
          var c = card(code);
          var anchor = c ? c.querySelector("[data-error]") : null;
          if (!anchor) { return; }
          state.checks[code].forEach(function (message) {
            var box = document.createElement("div");
            box.className = "alert alert-warning py-1 px-2 small mt-2 mb-0";
            box.setAttribute("data-check", "");
            box.textContent = message;
            anchor.parentNode.insertBefore(box, anchor);
          });
        });
      }
      // Every count on the page agrees after each save: section badges, this page's count, the total.
      var counts = Object.assign({ overall: state.overall }, state.progress || {});
      document.querySelectorAll("[data-count]").forEach(function (el) {
        var p = counts[el.dataset.count];
        if (p) { el.textContent = el.textContent.replace(/\d+\/\d+/, p.answered + "/" + p.required); }
      });
      var overall = document.getElementById("overall-progress");
      if (overall && state.overall) { overall.max = state.overall.required || 1; overall.value = state.overall.answered; }
      refreshConditions();
    }).catch(function () { /* the next save or poll tries again */ });
  }

  // --- events -----------------------------------------------------------------------------------------
  function codeOf(el) {
    var c = el.closest ? el.closest(".question") : null;
    return c ? c.dataset.code : null;
  }
  function onEdit(event) {
    var el = event.target;
    var code = codeOf(el);
    if (!code || !el.name) { return; }
    if (el.type === "checkbox" && el.checked) {
      var exclusive = (el.closest("[data-exclusive]") || el).dataset.exclusive || "";
      var group = fieldsOf(code).filter(function (x) { return x.type === "checkbox"; });
      var list = exclusive.split(" ").filter(Boolean);
      if (list.indexOf(el.value) !== -1) {
        group.forEach(function (x) { if (x !== el) { x.checked = false; } });
      } else {
        group.forEach(function (x) { if (list.indexOf(x.value) !== -1) { x.checked = false; } });
      }
    }
    if (queue[code]) { delete queue[code].rejected; }
    inputs[code] = jsValue(code);
    refreshConditions();
    enqueue(code);
  }
  form.addEventListener("input", function (event) {
    if (event.target.type !== "radio" && event.target.type !== "checkbox") { onEdit(event); }
  });
  form.addEventListener("change", onEdit);
  // A figure given at sign-up, proposed where the questionnaire asks it again: used only on a click.
  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-propose]") : null;
    if (!button) { return; }
    var code = codeOf(button);
    var input = fieldsOf(code)[0];
    if (!input) { return; }
    input.value = button.dataset.propose;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    button.closest("[data-proposal]").remove();
  });
  form.addEventListener("submit", function () {
    // The page's save button sends every field: nothing is left to autosave.
    queue = {};
    storeQueue();
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.target || !Object.keys(queue).length || stopped) { return; }
    event.preventDefault();
    var go = function () { window.location.href = link.href; };
    Promise.race([flush(), new Promise(function (resolve) { window.setTimeout(resolve, 3000); })]).then(go, go);
  });
  window.addEventListener("pagehide", function () {
    if (!navigator.sendBeacon || stopped) { return; }
    var codes = Object.keys(queue).filter(function (code) { return !queue[code].rejected; });
    if (codes.length) { navigator.sendBeacon(d.autosaveUrl, body(codes)); }
  });
  // A file deleted through the confirmation dialog (js/confirm.js) may change the page's counts.
  document.addEventListener("confirm:done", function () { refreshState(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { refreshState(); }
  });
  window.setInterval(function () { if (document.visibilityState === "visible") { refreshState(); } }, 20000);

  // Edits kept from an earlier visit (network failure, expired session): put them back and send them.
  Object.keys(queue).forEach(function (code) {
    if (!card(code)) { return; }
    applyEntries(code, queue[code].pairs);
    delete queue[code].rejected;
    inputs[code] = jsValue(code);
  });
  refreshConditions();
  if (Object.keys(queue).length) { schedule(50); } else { refreshState(); }
})();
