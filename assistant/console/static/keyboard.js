// Keyboard shortcuts of the staff console. On a conversation page: t take over, r reply,
// n private note, b hand back, c close (after a confirmation), a reassign; everywhere: g q
// queue, ? the list of shortcuts. Letters never fire while typing in a field or with Ctrl, Alt
// or Meta held; Ctrl+Enter in the reply or note box sends it, Escape leaves the box. Keys are
// read by their position too, so they also work with the Thai keyboard layout.
// Single-key shortcuts can be turned off in the list of shortcuts (WCAG 2.1.4), remembered by
// this browser: then no single key acts, and the pages no longer announce or show them.
(function () {
  "use strict";
  var TARGETS = { t: "#take-over", r: "#reply-text", n: "#note-text", b: "#hand-back",
                  c: "#close-chat", a: "#reassign-to" };
  var SENDS_ON_CTRL_ENTER = ["reply-text", "note-text"];
  var SEQUENCE_MS = 1500;
  var help = document.getElementById("shortcut-help");
  var helpButton = document.getElementById("shortcut-help-button");
  var queueLink = document.getElementById("nav-queue");
  var NOT_TYPED = ["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"];
  var pendingG = 0;
  var SETTING_KEY = "console.singleKeyShortcuts";
  var setting = document.getElementById("single-key-shortcuts");
  var singleKeys = true;

  function remembered() {
    try { return window.localStorage.getItem(SETTING_KEY) !== "off"; } catch (error) { return true; }
  }

  // Off: the hints (kbd) hidden by the stylesheet, aria-keyshortcuts kept aside.
  function applySetting() {
    document.documentElement.classList.toggle("single-keys-off", !singleKeys);
    var from = singleKeys ? "data-single-key" : "aria-keyshortcuts";
    var to = singleKeys ? "aria-keyshortcuts" : "data-single-key";
    document.querySelectorAll("[" + from + "]").forEach(function (element) {
      if (element.getAttribute(from).length !== 1) return;
      element.setAttribute(to, element.getAttribute(from));
      element.removeAttribute(from);
    });
  }

  function changeSetting() {
    singleKeys = setting.checked;
    try { window.localStorage.setItem(SETTING_KEY, singleKeys ? "on" : "off"); }
    catch (error) { /* private mode: for this page only */ }
    applySetting();
  }

  function typing(element) {
    if (element instanceof HTMLInputElement) return NOT_TYPED.indexOf(element.type) === -1;
    return element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement ||
      Boolean(element && element.isContentEditable);
  }

  // "t" from event.key, or from the key's position when the layout gives another letter.
  function keyOf(event) {
    if (/^[a-z?]$/.test(event.key)) return event.key;
    var letter = /^Key([A-Z])$/.exec(event.code || "");
    if (letter && !event.shiftKey) return letter[1].toLowerCase();
    if (event.code === "Slash" && event.shiftKey) return "?";
    return event.key;
  }

  function openHelp() {
    if (help && !help.open) help.showModal();
  }

  function use(element) {
    if (!element || element.disabled) return false;
    if (typing(element)) {
      element.focus();
      return true;
    }
    var question = element.getAttribute("data-confirm");
    if (!question || window.confirm(question)) element.click();
    return true;
  }

  function inField(event) {
    var field = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) &&
        SENDS_ON_CTRL_ENTER.indexOf(field.id) !== -1 && field.form) {
      event.preventDefault();
      if (field.value.trim()) field.form.requestSubmit();
    } else if (event.key === "Escape" && field.tagName === "TEXTAREA") {
      field.blur();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing) return;
    if (typing(event.target)) { inField(event); return; }
    if (event.ctrlKey || event.altKey || event.metaKey || event.repeat || !singleKeys) return;
    if (help && help.open) return;  // the dialog closes with Escape
    var key = keyOf(event);
    var afterG = pendingG && Date.now() - pendingG < SEQUENCE_MS;
    pendingG = 0;
    if (afterG && key === "q" && queueLink) {
      event.preventDefault();
      window.location.href = queueLink.href;
    } else if (key === "g") {
      pendingG = Date.now();
    } else if (key === "?") {
      event.preventDefault();
      openHelp();
    } else if (Object.prototype.hasOwnProperty.call(TARGETS, key) &&
               use(document.querySelector(TARGETS[key]))) {
      event.preventDefault();  // "r" must not type an "r" into the box it focused
    }
  });

  if (helpButton) helpButton.addEventListener("click", openHelp);
  singleKeys = remembered();
  if (setting) {
    setting.checked = singleKeys;
    setting.addEventListener("change", changeSetting);
  }
  applySetting();
  document.addEventListener("htmx:afterSettle", applySetting);  // parts replaced in place
})();
