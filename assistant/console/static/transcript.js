// Conversation page: append new messages (user, bot, staff) every 1.5 s without a reload,
// so a reply being typed is never lost. The service renders each message (time in Bangkok,
// buttons pressed in words); the page reloads when the chat's state changed elsewhere.
// Elements are looked up at each poll: in-place updates (in_place.js) replace them.
(function () {
  "use strict";
  var POLL_MS = 1500;
  if (!document.getElementById("transcript")) return;

  function lastId(list) {
    var items = list.querySelectorAll("li[data-id]");
    return items.length ? items[items.length - 1].getAttribute("data-id") : "0";
  }

  function add(list, message) {
    if (list.querySelector('li[data-id="' + message.id + '"]')) return;  // shown meanwhile
    list.insertAdjacentHTML("beforeend", message.html);
  }

  function poll() {
    var list = document.getElementById("transcript");
    if (!list) { setTimeout(poll, POLL_MS); return; }
    fetch(list.getAttribute("data-messages-url") + "?after=" + lastId(list),
          { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var current = document.getElementById("transcript");
        if (current !== list) return;  // replaced in place meanwhile: ask again
        data.messages.forEach(function (message) { add(list, message); });
        if (document.querySelector(".htmx-request")) return;  // an action is changing it
        var state = document.getElementById("state");
        if (state && state.getAttribute("data-state") !== data.state) window.location.reload();
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, POLL_MS); });
  }
  setTimeout(poll, POLL_MS);
})();
