// Conversation page: append new messages (user, bot, staff) every 1.5 s without a reload,
// so a reply being typed is never lost.
(function () {
  "use strict";
  var list = document.getElementById("transcript");
  var stateLabel = document.getElementById("state");
  if (!list) return;
  function lastId() {
    var items = list.querySelectorAll("li[data-id]");
    return items.length ? items[items.length - 1].getAttribute("data-id") : "0";
  }
  function add(message) {
    var item = document.createElement("li");
    item.className = message.sender;
    item.setAttribute("data-id", message.id);
    var sender = document.createElement("span");
    sender.className = "sender";
    sender.textContent = message.sender;
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = message.text;
    item.appendChild(sender);
    item.appendChild(text);
    list.appendChild(item);
  }
  function poll() {
    fetch(list.getAttribute("data-messages-url") + "?after=" + lastId(), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        data.messages.forEach(add);
        if (stateLabel && stateLabel.textContent !== data.state) window.location.reload();
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 1500); });
  }
  setTimeout(poll, 1500);
})();
