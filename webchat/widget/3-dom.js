// The widget's elements, in a shadow root, and their texts in the interface language.
function el(tag, attrs, children) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (name) {
    if (name === "text") node.textContent = attrs[name];
    else node.setAttribute(name, attrs[name]);
  });
  (children || []).forEach(function (child) { if (child) node.appendChild(child); });
  return node;
}

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
// A list (its items are messages) that is a polite live region: role="log" would hide the list.
var log = el("ol", { class: "log", "aria-live": "polite", tabindex: "-1" });
var typing = el("p", { class: "typing", hidden: "", role: "status" },
                [el("span"), el("span"), el("span")]);
var typingLabel = el("span", { class: "sr-only" });
typing.appendChild(typingLabel);
var waitNote = el("p", { class: "wait-text" });
var emailInput = el("input", { type: "email", id: "bkk-chat-email", autocomplete: "email",
                               required: "" });
var emailLabel = el("label", { for: "bkk-chat-email" });
var emailSend = el("button", { class: "secondary", type: "submit" });
var emailForm = el("form", { class: "email-form" }, [emailLabel, emailInput, emailSend]);
var backButton = el("button", { class: "secondary", type: "button" });
var waitBox = el("div", { class: "wait", role: "status", hidden: "" },
                 [waitNote, emailForm, backButton]);
var humanButton = el("button", { class: "secondary", type: "button" });
var endButton = el("button", { class: "secondary", type: "button" });
var input = el("textarea", { rows: "1", id: "bkk-chat-input" });
var sendButton = el("button", { class: "send", type: "submit" });
var form = el("form", { class: "composer" }, [input, sendButton]);
var newChatButton = el("button", { class: "secondary", type: "button", hidden: "" });
var notice = el("p", { class: "privacy", role: "note" });
// Shown instead of the chat on a site the center has not listed as a partner.
var refusal = el("p", { class: "refusal", role: "alert", hidden: "" });
var downloadButton = el("button", { class: "link", type: "button" });
var eraseButton = el("button", { class: "link", type: "button" });
var privacyActions = el("p", { class: "privacy-actions" }, [downloadButton, eraseButton]);

panel.setAttribute("aria-labelledby", "bkk-chat-title");
panel.appendChild(el("header", {}, [
  el("div", {}, [heading, subtitle]), languageButton, minimise]));
panel.appendChild(refusal);
panel.appendChild(notice);
panel.appendChild(log);
panel.appendChild(typing);
panel.appendChild(waitBox);
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
  languageButton.setAttribute("lang", state.language === "th" ? "en" : "th");
  minimise.setAttribute("aria-label", t("close"));
  log.setAttribute("aria-label", t("log"));
  typingLabel.textContent = t("typing");
  humanButton.textContent = t("human");
  endButton.textContent = t("end");
  newChatButton.textContent = t("newChat");
  input.setAttribute("aria-label", t("placeholder"));
  sendButton.textContent = t("send");
  notice.textContent = t("privacy");
  refusal.textContent = t("notAllowed");
  downloadButton.textContent = t("download");
  eraseButton.textContent = t("erase");
  emailLabel.textContent = t("emailLabel");
  emailSend.textContent = t("emailSend");
  backButton.textContent = t("back");
}

// Times are Bangkok's, whatever the visitor's clock says: "14:05", or "3 Dec, 14:05"
// for an earlier or later day; Thai dates count Buddhist Era years.
function bangkokTime(iso) {
  var moment = new Date(iso);
  var day = function (d) {
    return d.toLocaleDateString("en-CA", { timeZone: "Asia/Bangkok" });
  };
  var options = { timeZone: "Asia/Bangkok", hour: "2-digit", minute: "2-digit" };
  if (day(moment) !== day(new Date())) { options.day = "numeric"; options.month = "short"; }
  return moment.toLocaleString(locale(), options);
}

// "25 November 2026" in English, "25 พ.ย. 2569" in Thai.
function longDate(isoDay) {
  return new Date(isoDay + "T12:00:00+07:00").toLocaleDateString(locale(), {
    timeZone: "Asia/Bangkok", day: "numeric", month: state.language === "th" ? "short" : "long",
    year: "numeric" });
}

function locale() { return state.language === "th" ? "th-TH" : "en-GB"; }
