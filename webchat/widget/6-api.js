// Talking to the chat API: start the chat, send messages, show replies and state.
function api(path, body, method) {
  var options = { method: method || "POST", headers: {} };
  if (options.method === "POST") {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body || {});
  }
  if (state.token) options.headers.Authorization = "Bearer " + state.token;
  return fetch(API + "/api" + path, options).then(function (response) {
    return response.json().then(function (data) {
      if (!response.ok) throw data;
      return data;
    });
  });
}

// The text box takes what the API does: UserMessage.text.maxLength of its OpenAPI document.
function applyTextLimit() {
  fetch(API + "/api/openapi.json")
    .then(function (response) { return response.json(); })
    .then(function (spec) {
      var limit = spec.components.schemas.UserMessage.properties.text.maxLength;
      if (limit) input.setAttribute("maxlength", String(limit));
    })
    .catch(function () { /* the service still refuses a longer message */ });
}

function ensureConversation() {
  if (state.conversation) return Promise.resolve(state.conversation);
  return api("/conversations").then(function (data) {
    state.conversation = data.id; state.token = data.access_token;
    state.state = data.state; state.lastId = 0; save();
    listen();
    return data.id;
  });
}

// Stores a message and appends it; false when it was there already.
function remember(message) {
  if (message.id && state.messages.some(function (m) { return m.id === message.id; })) return false;
  state.messages.push(message);
  if (message.id && message.sender !== "user") state.lastId = Math.max(state.lastId, message.id);
  if (!state.open && message.sender !== "user") { state.unread = (state.unread || 0) + 1; }
  save();
  showUnread();
  return render(message);
}

// New replies are appended and the log shows the start of the first one.
function showReplies(data) {
  var first = null;
  data.replies.forEach(function (reply) { first = first || remember(reply); });
  if (first) scrollToStart(first);
  setState(data.state, data.wait);
}

function setState(next, wait) {
  if (next === "closed" && state.state !== "closed") stopListening();
  state.state = next || state.state;
  if (wait !== undefined) state.wait = wait;
  save();
  renderControls();
}

// Whether this page's site may use the chat: the service refuses sites the center has not
// listed as partners, and the browser would only report a failed request.
var siteRefused = false;
function checkSite() {
  fetch(API + "/api/site")
    .then(function (response) { return response.json(); })
    .then(function (site) {
      siteRefused = !site.allowed;
      renderControls();
    })
    .catch(function () { /* unreachable: sending a message says so */ });
}

// The controls that depend on the chat's state (none but the refusal on a refused site).
function renderControls() {
  panel.classList.toggle("refused", siteRefused);
  refusal.hidden = !siteRefused;
  var closed = state.state === "closed";
  humanButton.hidden = state.state !== "bot";
  endButton.hidden = closed;
  newChatButton.hidden = !closed;
  // A closed chat takes no more text (the service would refuse it): say so in the box.
  input.disabled = closed;
  sendButton.disabled = closed;
  input.setAttribute("placeholder", t(closed ? "ended" : "placeholder"));
  notice.hidden = state.messages.length > 0;  // shown before the first message
  privacyActions.hidden = !state.token;  // none for a chat started before access tokens
  renderWait();
}

// A UUID v4 for a message's client_id (crypto.randomUUID needs a secure page).
function newClientId() {
  var bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; bytes[8] = (bytes[8] & 0x3f) | 0x80;
  var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

var RESEND_DELAYS_MS = [2000, 5000];

// POSTs a message; when no answer of the API came back (the network, or a gateway error
// page), sends it again with the same client_id: the service stores it once.
function postMessage(id, body, attempt) {
  return api("/conversations/" + id + "/messages", body).catch(function (failure) {
    var answered = failure && failure.error;
    if (answered || attempt >= RESEND_DELAYS_MS.length) throw failure;
    return new Promise(function (resolve) { setTimeout(resolve, RESEND_DELAYS_MS[attempt]); })
      .then(function () { return postMessage(id, body, attempt + 1); });
  });
}

function sendMessage(body, shownText) {
  remember({ sender: "user", text: shownText, created_at: new Date().toISOString() });
  scrollToEnd();
  typing.hidden = false;
  body.client_id = newClientId();
  return ensureConversation()
    .then(function (id) { return postMessage(id, body, 0); })
    .then(function (data) {
      if (body.text) followLanguage(data.language);
      showReplies(data);
    })
    .catch(function (failure) {
      var code = failure && failure.error && failure.error.code;
      if (code === "conversation_closed") setState("closed");  // closed meanwhile
      else render({ sender: "bot", text: t("error") });
    })
    .then(function () { typing.hidden = true; });
}

// After a reload: votes (and answer fields) as the service has them.
function syncVotes() {
  if (!state.conversation) return;
  api("/conversations/" + state.conversation + "/messages", null, "GET").then(function (data) {
    var known = {};
    data.replies.forEach(function (reply) { known[reply.id] = reply; });
    state.messages.forEach(function (message) {
      var reply = message.id && known[message.id];
      if (!reply) return;
      message.feedback = reply.feedback;
      message.article_ids = reply.article_ids;
      message.passage_id = reply.passage_id;
    });
    state.state = data.state; state.wait = data.wait;
    save();
    renderLog();
  }).catch(function () { /* offline or erased: keep what is stored */ });
}
