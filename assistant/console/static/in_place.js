// Conversation page, with htmx (vendor/): the forms act in place. A form posts as without
// JavaScript; the page's parts the answer changes replace the same parts here (hx-select),
// so the page neither reloads nor jumps, and the status region (#console-status, a live
// region) says what happened. Here: a sent reply or note empties its box, a failed request
// says so, a success message leaves after a while, and focus stays in the page.
(function () {
  "use strict";
  var SUCCESS_SHOWN_MS = 8000;
  var status = document.getElementById("console-status");
  var clearing = 0;

  function say(text, kind) {
    var line = document.createElement("p");
    line.className = "flash " + kind;
    if (kind === "error") line.setAttribute("role", "alert");
    line.textContent = text;
    status.replaceChildren(line);
  }

  // Keep the position: the browser's scroll anchoring may pick a node the swap replaces.
  // Keep the focus too when the swap removed the focused element: on the element with the
  // same id, or (the pressed button was replaced, e.g. "Take over") on the reply box, else
  // on the main content. Focus on the page itself (a shortcut key acted) stays there.
  var position = 0, focused = null;
  document.body.addEventListener("htmx:beforeSwap", function () {
    position = window.scrollY;
    focused = document.activeElement;
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    window.scrollTo(0, position);
    if (!focused || focused === document.body || document.activeElement !== document.body) {
      return;
    }
    var next = (focused.id && document.getElementById(focused.id)) ||
      document.getElementById("reply-text") || document.getElementById("main");
    next.focus({ preventScroll: true });
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form instanceof HTMLFormElement &&
        form.hasAttribute("data-reset-on-success")) {
      form.reset();
    }
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    say("Not done: the service answered " + event.detail.xhr.status + ". Please try again.",
        "error");
  });
  document.body.addEventListener("htmx:sendError", function () {
    say("Not done: the service cannot be reached. Please try again.", "error");
  });
  // After each swap: success messages go after a while, errors stay until the next action.
  document.body.addEventListener("htmx:afterSettle", function () {
    window.clearTimeout(clearing);
    if (status.querySelector(".flash.error")) return;
    clearing = window.setTimeout(function () { status.replaceChildren(); }, SUCCESS_SHOWN_MS);
  });
})();
