/*
 * Bangkok Expat Assistant chat widget. Embed with one tag:
 *   <script src="https://HOST/webchat/widget.js" defer></script>
 * Optional attributes: data-api="https://HOST" (default: where the script comes from),
 * data-lang="en|th" (default: the page's or the browser's language).
 * Vanilla JS, no framework, no CDN. Styles live in a shadow root so the host page's CSS
 * neither leaks in nor out. The longest message the service takes comes from its OpenAPI
 * document (the service's setting), so the text box never promises more.
 * The chat's access token, which the service returns once when the chat starts, is kept
 * with its id (localStorage) and sent with every request about the chat: reading, the
 * event stream (in its URL: EventSource cannot set headers), download and delete.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var API = (script && script.dataset.api) || new URL(script.src).origin;
  var STORE_KEY = "bkk-expat-chat";

  var STRINGS = {
    en: {
      open: "Chat with us", title: "Bangkok Expat Assistant",
      subtitle: "Information service center for foreigners",
      placeholder: "Type your question…", send: "Send", close: "Minimise chat",
      human: "Talk to a person", end: "End chat", newChat: "Start a new chat",
      typing: "The assistant is typing", log: "Conversation", you: "You",
      bot: "Assistant", staff: "Staff", source: "Source", language: "ภาษาไทย",
      languageLabel: "เปลี่ยนเป็นภาษาไทย",
      welcome: "Hello! Ask me about visas, work permits, housing, schools, investment, tax, banking, healthcare, transport, emergencies or daily life in Bangkok.",
      error: "Sorry, your message could not be sent. Please try again.",
      closed: "This chat has ended. Thank you!",
      ended: "This chat has ended — start a new one",
      privacy: "Privacy: the Bangkok Metropolitan Administration keeps this chat to answer you and to improve the service, for up to one year. Please do not type ID card, passport or bank account numbers.",
      download: "Download my chat", erase: "Delete my chat",
      eraseConfirm: "Delete this chat and everything you wrote in it? This cannot be undone.",
      erased: "Your chat has been deleted.",
      helpfulQuestion: "Helpful?", helpful: "Helpful", notHelpful: "Not helpful",
      unread: "new messages",
    },
    th: {
      open: "แชตกับเรา", title: "ผู้ช่วยสำหรับชาวต่างชาติ กทม.",
      subtitle: "ศูนย์บริการข้อมูลสำหรับชาวต่างชาติ",
      placeholder: "พิมพ์คำถามของคุณ…", send: "ส่ง", close: "ย่อหน้าต่างแชต",
      human: "คุยกับเจ้าหน้าที่", end: "จบการสนทนา", newChat: "เริ่มแชตใหม่",
      typing: "ผู้ช่วยกำลังพิมพ์", log: "บทสนทนา", you: "คุณ",
      bot: "ผู้ช่วย", staff: "เจ้าหน้าที่", source: "แหล่งข้อมูล", language: "English",
      languageLabel: "Switch to English",
      welcome: "สวัสดีค่ะ ถามเรื่องวีซ่า ใบอนุญาตทำงาน ที่พัก โรงเรียน การลงทุน ภาษี ธนาคาร สุขภาพ การเดินทาง เหตุฉุกเฉิน หรือชีวิตประจำวันในกรุงเทพฯ ได้เลยค่ะ",
      error: "ขออภัยค่ะ ส่งข้อความไม่สำเร็จ กรุณาลองอีกครั้ง",
      closed: "การสนทนานี้สิ้นสุดแล้ว ขอบคุณค่ะ",
      ended: "การสนทนานี้สิ้นสุดแล้ว — เริ่มแชตใหม่ได้เลยค่ะ",
      privacy: "ความเป็นส่วนตัว: กรุงเทพมหานครเก็บบทสนทนานี้ไว้เพื่อตอบคำถามและพัฒนาบริการ เป็นเวลาไม่เกินหนึ่งปี กรุณาอย่าพิมพ์เลขบัตรประชาชน เลขหนังสือเดินทาง หรือเลขบัญชีธนาคาร",
      download: "ดาวน์โหลดบทสนทนา", erase: "ลบบทสนทนา",
      eraseConfirm: "ต้องการลบบทสนทนานี้และข้อความทั้งหมดที่คุณพิมพ์ใช่ไหมคะ ลบแล้วกู้คืนไม่ได้",
      erased: "ลบบทสนทนาของคุณแล้วค่ะ",
      helpfulQuestion: "ข้อมูลนี้มีประโยชน์ไหม", helpful: "มีประโยชน์", notHelpful: "ไม่มีประโยชน์",
      unread: "ข้อความใหม่",
    },
  };

  function initialLanguage() {
    var wanted = (script && script.dataset.lang) || document.documentElement.lang ||
      navigator.language || "en";
    return wanted.toLowerCase().indexOf("th") === 0 ? "th" : "en";
  }

  function newChat(language, open) {
    return { conversation: null, token: null, messages: [], lastId: 0, state: "bot",
             language: language, open: open };
  }
  var state = load() || newChat(initialLanguage(), false);

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY)); } catch (e) { return null; }
  }
  function save() {
    try { localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function t(key) { return STRINGS[state.language][key]; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // ---- DOM ---------------------------------------------------------------------------
  var host = el("div", { id: "bkk-expat-chat" });
  document.body.appendChild(host);
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: API + "/webchat/widget.css" }));

  var launcher = el("button", { class: "launcher", type: "button", "aria-expanded": "false" });
  var panel = el("section", { class: "panel", role: "dialog", hidden: "" });
  var heading = el("h2", { id: "bkk-chat-title" });
  var subtitle = el("p", { class: "subtitle" });
  var languageButton = el("button", { class: "link", type: "button" });
  var minimise = el("button", { class: "icon", type: "button", text: "×" });
  var log = el("ol", { class: "log", role: "log", "aria-live": "polite", tabindex: "-1" });
  var typing = el("p", { class: "typing", hidden: "", role: "status" },
                  [el("span"), el("span"), el("span")]);
  var typingLabel = el("span", { class: "sr-only" });
  typing.appendChild(typingLabel);
  var humanButton = el("button", { class: "secondary", type: "button" });
  var endButton = el("button", { class: "secondary", type: "button" });
  var input = el("textarea", { rows: "1", id: "bkk-chat-input" });
  var sendButton = el("button", { class: "send", type: "submit" });
  var form = el("form", { class: "composer" }, [input, sendButton]);
  var newChatButton = el("button", { class: "secondary", type: "button", hidden: "" });
  var notice = el("p", { class: "privacy", role: "note" });
  var downloadButton = el("button", { class: "link", type: "button" });
  var eraseButton = el("button", { class: "link", type: "button" });
  var privacyActions = el("p", { class: "privacy-actions" }, [downloadButton, eraseButton]);

  panel.setAttribute("aria-labelledby", "bkk-chat-title");
  panel.appendChild(el("header", {}, [
    el("div", {}, [heading, subtitle]), languageButton, minimise]));
  panel.appendChild(notice);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(el("div", { class: "controls" }, [humanButton, endButton, newChatButton]));
  panel.appendChild(form);
  panel.appendChild(privacyActions);
  root.appendChild(launcher);
  root.appendChild(panel);

  function applyStrings() {
    host.setAttribute("lang", state.language);
    showUnread();
    heading.textContent = t("title");
    subtitle.textContent = t("subtitle");
    languageButton.textContent = t("language");
    languageButton.setAttribute("aria-label", t("languageLabel"));
    minimise.setAttribute("aria-label", t("close"));
    log.setAttribute("aria-label", t("log"));
    typingLabel.textContent = t("typing");
    humanButton.textContent = t("human");
    endButton.textContent = t("end");
    newChatButton.textContent = t("newChat");
    input.setAttribute("placeholder", t("placeholder"));
    input.setAttribute("aria-label", t("placeholder"));
    sendButton.textContent = t("send");
    notice.textContent = t("privacy");
    downloadButton.textContent = t("download");
    eraseButton.textContent = t("erase");
  }

  // Times are Bangkok's, whatever the visitor's clock says: "14:05", or "3 Dec, 14:05"
  // for an earlier day.
  function bangkokTime(iso) {
    var moment = new Date(iso), locale = state.language === "th" ? "th-TH" : "en-GB";
    var day = function (d) {
      return d.toLocaleDateString("en-CA", { timeZone: "Asia/Bangkok" });
    };
    var options = { timeZone: "Asia/Bangkok", hour: "2-digit", minute: "2-digit" };
    if (day(moment) !== day(new Date())) { options.day = "numeric"; options.month = "short"; }
    return moment.toLocaleString(locale, options);
  }

  // ---- rendering ---------------------------------------------------------------------
  function render(message) {
    var who = message.sender === "user" ? t("you") : message.sender === "staff" ? t("staff") : t("bot");
    var item = el("li", { class: "message " + message.sender });
    item.appendChild(el("span", { class: "sr-only", text: who + ": " }));
    item.appendChild(el("p", { class: "text", text: message.text }));
    if (message.created_at) {
      var author = message.sender === "staff" && message.staff_name ?
        message.staff_name + " (" + t("staff") + ") · " : "";
      item.appendChild(el("p", { class: "meta" }, [el("time", {
        datetime: message.created_at, text: author + bangkokTime(message.created_at) })]));
    }
    (message.sources || []).forEach(function (source) {
      var link = el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer",
                           text: t("source") + ": " + source.title });
      item.appendChild(el("p", { class: "source" }, [link]));
    });
    if (message.buttons && message.buttons.length) {
      var group = el("div", { class: "quick-replies", role: "group" });
      message.buttons.forEach(function (button) {
        var choice = el("button", { type: "button", text: button.title });
        choice.addEventListener("click", function () {
          sendMessage({ payload: button.payload }, button.title);
        });
        group.appendChild(choice);
      });
      item.appendChild(group);
    }
    if (message.sender === "bot" && message.id && (message.article_ids || []).length) {
      item.appendChild(feedbackButtons(message));
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
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
      save();
      renderAll();
    }).catch(function () { /* offline or erased: keep what is stored */ });
  }

  function renderAll() {
    log.textContent = "";
    render({ sender: "bot", text: t("welcome") });
    state.messages.forEach(render);
    var closed = state.state === "closed";
    humanButton.hidden = closed || state.state !== "bot";
    endButton.hidden = closed;
    newChatButton.hidden = !closed;
    // A closed chat takes no more text (the service would refuse it): say so in the box.
    input.disabled = closed;
    sendButton.disabled = closed;
    input.setAttribute("placeholder", t(closed ? "ended" : "placeholder"));
    notice.hidden = state.messages.length > 0;  // shown before the first message
    privacyActions.hidden = !state.token;  // none for a chat started before access tokens
  }

  function remember(message) {
    if (message.id && state.messages.some(function (m) { return m.id === message.id; })) return;
    state.messages.push(message);
    if (message.id && message.sender !== "user") state.lastId = Math.max(state.lastId, message.id);
    if (!state.open && message.sender !== "user") { state.unread = (state.unread || 0) + 1; }
    save();
    showUnread();
    render(message);
  }

  function setState(next, language) {
    if (next === "closed" && state.state !== "closed") stopListening();
    state.state = next || state.state;
    if (language && language !== state.language) { state.language = language; applyStrings(); }
    save();
    renderAll();
  }

  // ---- API ---------------------------------------------------------------------------
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

  function showReplies(data) {
    data.replies.forEach(remember);
    setState(data.state, data.language);
  }

  function sendMessage(body, shownText) {
    remember({ sender: "user", text: shownText, created_at: new Date().toISOString() });
    typing.hidden = false;
    return ensureConversation()
      .then(function (id) { return api("/conversations/" + id + "/messages", body); })
      .then(showReplies)
      .catch(function (failure) {
        var code = failure && failure.error && failure.error.code;
        if (code === "conversation_closed") setState("closed");  // closed meanwhile
        else render({ sender: "bot", text: t("error") });
      })
      .then(function () { typing.hidden = true; });
  }

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
    stream.addEventListener("message", function (event) { remember(JSON.parse(event.data)); });
    stream.addEventListener("state", function (event) {
      setState(JSON.parse(event.data).state);
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

  // ---- controls ----------------------------------------------------------------------
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
    ensureConversation()
      .then(function (id) { return api("/conversations/" + id + "/close"); })
      .then(showReplies)
      .then(function () { log.focus(); });
  });
  newChatButton.addEventListener("click", function () {
    stopListening();
    state = newChat(state.language, true);
    save();
    renderAll();
    input.focus();
  });
  languageButton.addEventListener("click", function () {
    state.language = state.language === "th" ? "en" : "th";
    save();
    applyStrings();
    renderAll();
  });
  downloadButton.addEventListener("click", function () {
    api("/conversations/" + state.conversation + "/export", null, "GET").then(function (data) {
      var blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      var link = el("a", { href: URL.createObjectURL(blob),
                           download: "chat-" + state.conversation + ".json" });
      root.appendChild(link);
      link.click();
      link.remove();
    });
  });
  eraseButton.addEventListener("click", function () {
    if (!window.confirm(t("eraseConfirm"))) return;
    api("/conversations/" + state.conversation, null, "DELETE").then(function () {
      stopListening();
      state = newChat(state.language, true);
      save();
      renderAll();
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
  renderAll();
  toggle(Boolean(state.open));
  syncVotes();
})();
