// What the buttons and the text box do, and the start.
form.addEventListener("submit", function (event) {
  event.preventDefault();
  var text = input.value.trim();
  if (!text) return;
  input.value = "";
  sendMessage({ text: text }, text);
});
input.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
});
humanButton.addEventListener("click", function () {
  input.focus();  // the button hides itself once staff are asked: keep focus in the chat
  sendMessage({ payload: "/ask_human" }, t("human"));
});
endButton.addEventListener("click", function () {
  // The satisfaction question comes in the interface's language.
  ensureConversation()
    .then(function (id) { return api("/conversations/" + id + "/close", { language: state.language }); })
    .then(showReplies)
    .then(function () { log.focus(); });
});
function startOver(language) {
  stopListening();
  state = newChat(language, true, state.chosen);
  save();
  renderLog();
}
newChatButton.addEventListener("click", function () {
  startOver(state.language);
  input.focus();
});
// The user's choice: from now on the interface keeps this language.
languageButton.addEventListener("click", function () {
  state.language = state.language === "th" ? "en" : "th";
  state.chosen = true;
  save();
  applyStrings();
  renderLog();
});
// The readable transcript in the interface language (JSON stays in the API: …/export).
downloadButton.addEventListener("click", function () {
  fetch(API + "/api/conversations/" + state.conversation + "/transcript?lang=" +
        state.language, { headers: { Authorization: "Bearer " + state.token } })
  .then(function (response) { return response.ok ? response.blob() : Promise.reject(); })
  .then(function (blob) {
    var day = new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Bangkok" });
    var link = el("a", { href: URL.createObjectURL(blob), download: "chat-" + day + ".txt" });
    root.appendChild(link);
    link.click();
    link.remove();
  })
  .catch(function () { render({ sender: "bot", text: t("error") }); });
});
eraseButton.addEventListener("click", function () {
  if (!window.confirm(t("eraseConfirm"))) return;
  api("/conversations/" + state.conversation, null, "DELETE").then(function () {
    startOver(state.language);
    render({ sender: "bot", text: t("erased") });
  });
});
function toggle(open) {
  state.open = open;
  if (open) state.unread = 0;
  showUnread();
  save();
  panel.hidden = !open;
  launcher.hidden = open;
  launcher.setAttribute("aria-expanded", String(open));
  if (open && log.lastChild) scrollToStart(log.lastChild);  // opens at the latest message
  if (open) input.focus(); else launcher.focus();
  listen();
}
launcher.addEventListener("click", function () { toggle(true); });
minimise.addEventListener("click", function () { toggle(false); });
root.addEventListener("keydown", function (event) {
  if (event.key === "Escape") toggle(false);
});

applyStrings();
applyTextLimit();
checkSite();
renderLog();
toggle(Boolean(state.open));
syncVotes();
