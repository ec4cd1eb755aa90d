// Canned answers in the reply box: "/" at the start of the box or after a space, followed by
// letters, opens a list of matching answers (ARIA combobox + listbox). Arrow keys choose,
// Enter or Tab inserts, Escape closes; a click inserts too. The inserted text, rendered by
// the server in the chat's language, replaces the "/query" and can still be edited. When
// the reply is sent, each answer inserted into it is counted once.
(function () {
  "use strict";
  var reply = document.getElementById("reply-text");
  var list = document.getElementById("canned-list");
  var status = document.getElementById("canned-status");
  var empty = document.getElementById("canned-empty");
  if (!reply || !list) return;
  var form = reply.form;
  var TOKEN = /(^|\s)\/([\p{L}\p{M}\p{N}_-]*)$/u;  // "/" alone lists the most used
  var PREVIEW_CHARS = 120;
  var answers = [];
  var active = -1;
  var token = null;  // {start, end, query}: the "/query" being typed
  var asked = 0;  // the latest search, so an older, slower answer is ignored
  var inserted = new Set();
  var sending = false;

  function tokenAtCaret() {
    if (reply.selectionStart !== reply.selectionEnd) return null;
    var end = reply.selectionStart;
    var match = TOKEN.exec(reply.value.slice(0, end));
    if (!match) return null;
    return { start: end - match[2].length - 1, end: end, query: match[2] };
  }

  function close() {
    answers = [];
    active = -1;
    token = null;
    list.hidden = true;
    if (empty) empty.hidden = true;
    list.replaceChildren();
    reply.setAttribute("aria-expanded", "false");
    reply.removeAttribute("aria-activedescendant");
  }

  function choose(index) {
    active = index;
    Array.prototype.forEach.call(list.children, function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    var option = list.children[index];
    reply.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function option(answer, index, language) {
    var item = document.createElement("li");
    item.id = "canned-option-" + index;
    item.setAttribute("role", "option");
    var code = document.createElement("code");
    code.textContent = "/" + answer.code;
    var title = document.createElement("span");
    title.className = "canned-title";
    title.textContent = answer.title;
    var preview = document.createElement("span");
    preview.className = "canned-preview";
    preview.lang = language;
    preview.textContent = answer.text.length > PREVIEW_CHARS
      ? answer.text.slice(0, PREVIEW_CHARS - 1) + "…" : answer.text;
    item.append(code, " ", title, preview);
    item.addEventListener("mousedown", function (event) { event.preventDefault(); });
    item.addEventListener("click", function () { insert(index); });
    return item;
  }

  function show(found, language, any) {
    answers = found;
    if (empty) empty.hidden = any;
    list.replaceChildren.apply(list, found.map(function (answer, i) {
      return option(answer, i, language);
    }));
    status.textContent = found.length
      ? found.length + " canned answer(s), Enter to insert"
      : any || !empty ? "No canned answer matches /" + token.query : empty.textContent;
    if (!found.length) {
      list.hidden = true;
      reply.setAttribute("aria-expanded", "false");
      return;
    }
    list.hidden = false;
    reply.setAttribute("aria-expanded", "true");
    choose(0);
  }

  function search() {
    token = tokenAtCaret();
    if (!token) { close(); return; }
    var mine = ++asked;
    var url = list.getAttribute("data-search-url") + "&q=" + encodeURIComponent(token.query);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && mine === asked && token) show(data.answers, data.language, data.any);
      })
      .catch(function () {});
  }

  function insert(index) {
    var answer = answers[index];
    var value = reply.value;
    reply.value = value.slice(0, token.start) + answer.text + value.slice(token.end);
    var caret = token.start + answer.text.length;
    reply.setSelectionRange(caret, caret);
    inserted.add(answer.id);
    status.textContent = "Inserted /" + answer.code;
    close();
    reply.focus();
  }

  reply.addEventListener("input", search);
  reply.addEventListener("blur", close);
  reply.addEventListener("keydown", function (event) {
    if (list.hidden || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var count = answers.length;
    if (event.key === "ArrowDown") choose((active + 1) % count);
    else if (event.key === "ArrowUp") choose((active - 1 + count) % count);
    else if ((event.key === "Enter" && !event.shiftKey) || event.key === "Tab") insert(active);
    else if (event.key === "Escape") close();
    else return;
    event.preventDefault();
    event.stopPropagation();
  });

  // Count the answers inserted into the reply being sent, then send it (again, through
  // whatever sends it: the browser, or in_place.js). Listens in the capture phase, so it
  // runs, and may hold the sending back, before any listener of the form itself.
  document.addEventListener("submit", function (event) {
    if (event.target !== form || sending || !inserted.size || !reply.value.trim()) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    sending = true;
    var csrf = form.querySelector('input[name="csrf_token"]').value;
    var usedUrl = list.getAttribute("data-used-url");
    Promise.all(Array.from(inserted, function (id) {
      return fetch(usedUrl.replace(/\/0\/used$/, "/" + id + "/used"), {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "X-CSRFToken": csrf },
      }).catch(function () {});
    })).then(function () {
      inserted.clear();
      form.requestSubmit();
      sending = false;
    });
  }, true);
})();
