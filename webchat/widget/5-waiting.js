// While the chat waits for staff: how long and with whom, the e-mail address asked for up
// front when nobody is online, and the way back to the assistant.
function waitText(wait) {
  var from = wait.staff_from ? fill("from", { when: bangkokTime(wait.staff_from) }) : "";
  if (wait.kind === "email" && wait.status === "open") {
    return fill("waitRegistered", { reference: wait.reference, email: wait.email, from: from });
  }
  if (wait.kind === "email") return fill("waitEmail", { from: from });
  return t("waitStaff") + " " + (wait.usual_minutes ?
    fill("waitUsual", { minutes: wait.usual_minutes, position: wait.position }) : t("waitSoon"));
}

function renderWait() {
  var wait = state.state === "waiting_for_staff" ? state.wait : null;
  waitBox.hidden = !wait;
  if (!wait) return;
  waitNote.textContent = waitText(wait);
  emailForm.hidden = !(wait.kind === "email" && wait.status === "awaiting_email");
  // A registered question stays: the assistant answers meanwhile, staff answer by e-mail.
  backButton.hidden = wait.kind === "email" && wait.status === "open";
}

emailForm.addEventListener("submit", function (event) {
  event.preventDefault();
  var address = emailInput.value.trim();
  if (!address) return;
  emailInput.value = "";
  sendMessage({ text: address }, address).then(function () { input.focus(); });
});

backButton.addEventListener("click", function () {
  input.focus();  // the box disappears: keep focus in the chat
  api("/conversations/" + state.conversation + "/back-to-assistant")
    .then(showReplies)
    .catch(function () { render({ sender: "bot", text: t("error") }); });
});
