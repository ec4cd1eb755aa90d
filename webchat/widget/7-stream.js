// The event stream (staff replies, state changes) is open only while the chat is open on a
// visible page; a refused or broken stream is tried again later, waiting longer each time.
var source = null, retryTimer = null, retryDelay = 2000;
function stopListening() {
  if (source) source.close();
  source = null;
  clearTimeout(retryTimer);
}
function listen() {
  stopListening();
  if (!state.token || !state.open || document.hidden || state.state === "closed" ||
      !window.EventSource) return;
  var stream = new EventSource(API + "/api/conversations/" + state.conversation +
                               "/events?after=" + state.lastId +
                               "&access_token=" + encodeURIComponent(state.token));
  source = stream;
  stream.addEventListener("open", function () { retryDelay = 2000; });
  stream.addEventListener("message", function (event) {
    var item = remember(JSON.parse(event.data));
    if (item) scrollToStart(item);
  });
  stream.addEventListener("state", function (event) {
    var data = JSON.parse(event.data);
    setState(data.state, data.wait);
  });
  stream.addEventListener("error", function () {
    // Closed for good (refused, or the service away): try again later; otherwise the
    // browser reconnects by itself.
    if (stream !== source || stream.readyState !== EventSource.CLOSED) return;
    source = null;
    retryTimer = setTimeout(listen, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 60000);
  });
}
document.addEventListener("visibilitychange", listen);

// While the chat is minimised on a visible page, a light check for replies (a staff
// member may answer) shows a count on the launcher; opening the chat clears it.
var UNREAD_CHECK_MS = 30000;
function showUnread() {
  var count = state.unread || 0;
  launcher.textContent = t("open");
  launcher.removeAttribute("aria-label");
  if (!count) return;
  launcher.appendChild(el("span", { class: "badge", "aria-hidden": "true", text: String(count) }));
  launcher.setAttribute("aria-label", t("open") + " (" + count + " " + t("unread") + ")");
}
function checkUnread() {
  if (state.open || document.hidden || !state.token || state.state === "closed") return;
  api("/conversations/" + state.conversation + "/messages?after=" + state.lastId, null, "GET")
    .then(function (data) { data.replies.forEach(remember); })
    .catch(function () { /* offline: the next check tries again */ });
}
setInterval(checkUnread, UNREAD_CHECK_MS);
