// Messages in the log. The log is a live region: messages are only ever appended to it,
// except when the whole chat changes (reload, new chat, language switch).

// ``text`` into ``node``. Thai lines wrap only at the word starts the service found
// (``breaks``, the same segmentation the assistant reads Thai with): each Thai word is kept
// whole, and a <wbr> between two words lets the line wrap there.
function setText(node, text, breaks) {
  node.textContent = "";
  if (!breaks) { node.textContent = text; return node; }  // no Thai in it
  var from = 0;
  breaks.concat(text.length).forEach(function (at) {
    text.slice(from, at).match(/[\u0E00-\u0E7F]+|[^\u0E00-\u0E7F]+/g).forEach(function (run) {
      var thai = /[\u0E00-\u0E7F]/.test(run);
      node.appendChild(thai ? el("span", { class: "word", text: run }) : document.createTextNode(run));
    });
    if (at < text.length) node.appendChild(el("wbr"));
    from = at;
  });
  return node;
}

function textBlock(tag, className, text, breaks) {
  return setText(el(tag, { class: className }), text || "", breaks);
}

function sourceLink(source) {
  return el("p", { class: "source" }, [el("a", {
    href: source.url, target: "_blank", rel: "noopener noreferrer",
    text: t("source") + ": " + source.title })]);
}

// A knowledge answer: its title, text, one official source and the reviewed date.
function answerCard(card, breaks) {
  var body = el("article", { class: "card" }, [
    textBlock("h3", "card-title", card.title, breaks.title),
    textBlock("p", "text", card.body, breaks.body),
    sourceLink(card.source)]);
  if (card.reviewed) {
    body.appendChild(el("p", { class: "reviewed", text: t("reviewed") + ": " +
                               longDate(card.reviewed) }));
  }
  return body;
}

function messageItem(message) {
  var who = message.sender === "user" ? t("you") : message.sender === "staff" ? t("staff") : t("bot");
  var breaks = message.breaks || {};
  var item = el("li", { class: "message " + message.sender,
                        lang: scriptLanguage(message.card ? message.card.body : message.text) });
  item.appendChild(el("span", { class: "sr-only", text: who + ": " }));
  if (message.card) item.appendChild(answerCard(message.card, breaks));
  else item.appendChild(textBlock("p", "text", message.text, breaks.text));
  if (message.created_at) {
    var author = message.sender === "staff" && message.staff_name ?
      message.staff_name + " (" + t("staff") + ") · " : "";
    item.appendChild(el("p", { class: "meta" }, [el("time", {
      datetime: message.created_at, text: author + bangkokTime(message.created_at) })]));
  }
  var sources = message.sources || [];
  if (!message.card && sources.length) item.appendChild(sourceLink(sources[0]));
  if (message.buttons && message.buttons.length) item.appendChild(quickReplies(message, breaks));
  if (message.sender === "bot" && message.id && (message.article_ids || []).length) {
    item.appendChild(feedbackButtons(message));
  }
  return item;
}

function quickReplies(message, breaks) {
  var group = el("div", { class: "quick-replies", role: "group" });
  message.buttons.forEach(function (button, index) {
    var choice = setText(el("button", { type: "button", lang: scriptLanguage(button.title) }),
                         button.title, (breaks.buttons || [])[index]);
    choice.addEventListener("click", function () {
      // Focus stays in the chat (the box takes the next question) and the button stays.
      (input.disabled ? log : input).focus();
      // "/intent…" is a payload; anything else (a visit time) is the user's answer as text.
      var isPayload = button.payload.charAt(0) === "/";
      sendMessage(isPayload ? { payload: button.payload } : { text: button.payload }, button.title);
    });
    group.appendChild(choice);
  });
  return group;
}

// Appends a message; returns its element.
function render(message) {
  var item = messageItem(message);
  log.appendChild(item);
  return item;
}

// The log shows ``item``'s start (an answer is read from its title, not from its buttons).
function scrollToStart(item) {
  log.scrollTop = item.offsetTop - log.offsetTop - 8;
}
function scrollToEnd() { log.scrollTop = log.scrollHeight; }

// The whole chat again (reload, new chat, language switch): opens at the latest message.
function renderLog() {
  log.setAttribute("aria-busy", "true");  // not announced again while it is rebuilt
  log.textContent = "";
  var last = render({ sender: "bot", text: t("welcome") });
  state.messages.forEach(function (message) { last = render(message); });
  log.removeAttribute("aria-busy");
  renderControls();
  scrollToStart(last);
}

// "Helpful? 👍 👎" under a knowledge answer; the chosen one is shown pressed.
function feedbackButtons(message) {
  var group = el("div", { class: "feedback", role: "group", "aria-label": t("helpfulQuestion") },
                 [el("span", { class: "feedback-question", text: t("helpfulQuestion") })]);
  [[true, "👍", "helpful"], [false, "👎", "notHelpful"]].forEach(function (choice) {
    var button = el("button", { type: "button", text: choice[1], "aria-label": t(choice[2]),
                                title: t(choice[2]), "data-helpful": String(choice[0]),
                                "aria-pressed": String(message.feedback === choice[0]) });
    button.addEventListener("click", function () { vote(message, choice[0], group); });
    group.appendChild(button);
  });
  return group;
}

function showVote(group, helpful) {
  Array.prototype.forEach.call(group.querySelectorAll("button"), function (button) {
    button.setAttribute("aria-pressed", String(button.dataset.helpful === String(helpful)));
  });
}

function vote(message, helpful, group) {
  var before = message.feedback;
  message.feedback = helpful;
  showVote(group, helpful);
  api("/conversations/" + state.conversation + "/messages/" + message.id + "/feedback",
      { helpful: helpful })
    .then(save)
    .catch(function () { message.feedback = before; showVote(group, before); });
}
