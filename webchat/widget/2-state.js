// The chat as this browser keeps it (localStorage): id, access token, messages, state,
// interface language. The access token, which the service returns once when the chat
// starts, is sent with every request about the chat.
var script = document.currentScript;
var API = (script && script.dataset.api) || new URL(script.src).origin;
var STORE_KEY = "bkk-expat-chat";
// The interface switches language on its own only when the user's last messages mostly
// are in the other one (never after the user chose with the language button).
var LANGUAGE_VOTES = 3, LANGUAGE_MAJORITY = 2;

function initialLanguage() {
  var wanted = (script && script.dataset.lang) || document.documentElement.lang ||
    navigator.language || "en";
  return wanted.toLowerCase().indexOf("th") === 0 ? "th" : "en";
}

function newChat(language, open, chosen) {
  return { conversation: null, token: null, messages: [], lastId: 0, state: "bot",
           wait: null, language: language, chosen: Boolean(chosen), votes: [], open: open };
}
var state = load() || newChat(initialLanguage(), false);

function load() {
  try { return JSON.parse(localStorage.getItem(STORE_KEY)); } catch (e) { return null; }
}
function save() {
  try { localStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* private mode */ }
}

// ``language``: the one the service read the user's message in. One message in the other
// language changes nothing; a stable majority of the last ones does.
function followLanguage(language) {
  if (state.chosen || (language !== "en" && language !== "th")) return;
  state.votes = (state.votes || []).concat(language).slice(-LANGUAGE_VOTES);
  var same = state.votes.filter(function (vote) { return vote === language; }).length;
  if (language !== state.language && same >= LANGUAGE_MAJORITY) {
    state.language = language;
    save();
    applyStrings();
    renderLog();
  }
}

// "th" for text mostly in Thai letters, else "en": the lang attribute of a message.
function scriptLanguage(text) {
  var thai = (text.match(/[\u0E01-\u0E5B]/g) || []).length;
  var latin = (text.match(/[A-Za-z]/g) || []).length;
  return thai > latin ? "th" : "en";
}
