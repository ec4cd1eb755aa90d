// Every console page of staff and admins: ask for the queue every few seconds, show the number
// of waiting chats in the header and the tab title, and signal each newly waiting chat once
// per browser session with a two-tone beep and a browser notification. On the queue page,
// reload when the waiting chats change.
(function () {
  "use strict";
  var panel = document.getElementById("staff-alerts");
  if (!panel) return;
  var ALERTED_KEY = "console.alertedChats";
  var SOUND_KEY = "console.sound";
  var badge = document.getElementById("waiting-badge");
  var queueLink = panel.querySelector("a.waiting");
  var enableButton = document.getElementById("enable-alerts");
  var soundBox = document.getElementById("alert-sound");
  var queueList = document.getElementById("waiting-chats");  // only on the queue page
  var statusUrl = panel.getAttribute("data-status-url");
  var pollMs = Math.max(1, parseFloat(panel.getAttribute("data-poll-seconds")) || 5) * 1000;
  var baseTitle = document.title;
  var audio = null;

  function stored(storage, key) {
    try { return storage.getItem(key); } catch (error) { return null; }
  }

  function store(storage, key, value) {
    try { storage.setItem(key, value); } catch (error) { /* private mode: not remembered */ }
  }

  // Sound: on unless this browser turned it off.
  soundBox.checked = stored(window.localStorage, SOUND_KEY) !== "off";
  soundBox.addEventListener("change", function () {
    store(window.localStorage, SOUND_KEY, soundBox.checked ? "on" : "off");
  });

  // Browsers let a page play sound only after the user touched it: open the audio then.
  function unlockAudio() {
    var AudioContextClass = window.AudioContext || window.webkitAudioContext;
    if (!AudioContextClass) return;
    if (!audio) audio = new AudioContextClass();
    if (audio.state === "suspended") audio.resume();
  }
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  document.addEventListener("keydown", unlockAudio, { once: true });

  function beep() {
    if (!soundBox.checked) return;
    unlockAudio();
    if (!audio) return;
    [880, 660].forEach(function (frequency, index) {
      var start = audio.currentTime + index * 0.18;
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.15);
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.16);
    });
  }

  // Notifications: the permission must be asked for from a click.
  function showEnableButton() {
    enableButton.hidden = !("Notification" in window) || Notification.permission !== "default";
  }
  enableButton.addEventListener("click", function () {
    unlockAudio();
    Promise.resolve(Notification.requestPermission()).then(showEnableButton);
  });
  showEnableButton();

  function notify(chat) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var notification = new Notification("New chat waiting", { body: chat.preview, tag: chat.id });
    notification.onclick = function () {
      window.focus();
      window.location.href = new URL("conversations/" + encodeURIComponent(chat.id),
                                     queueLink.href).href;
      notification.close();
    };
  }

  // Waiting chats this browser session has signalled (none before its first poll).
  function alertedChats() {
    try { return JSON.parse(stored(window.sessionStorage, ALERTED_KEY) || "[]"); }
    catch (error) { return []; }
  }

  function signalNewChats(chats) {
    var alerted = alertedChats();
    var fresh = chats.filter(function (chat) { return alerted.indexOf(chat.id) === -1; });
    // Keep only chats still waiting, so a chat that waits again later is signalled again.
    store(window.sessionStorage, ALERTED_KEY,
          JSON.stringify(chats.map(function (chat) { return chat.id; })));
    if (!fresh.length) return;
    beep();
    fresh.forEach(notify);
  }

  function showCount(count) {
    var text = String(count);
    if (badge.textContent !== text) badge.textContent = text;
    badge.classList.toggle("active", count > 0);
    document.title = (count > 0 ? "(" + count + ") " : "") + baseTitle;
  }

  // Queue page: keep the minutes current; reload when other chats wait than when it was
  // drawn (data-waiting-ids: the oldest waits, also those a filter hides, as the status lists
  // them; data-waiting-count: all waiting chats).
  // A hidden tab waits until it is seen, so a notification it raised stays clickable.
  var reloadPending = false;
  function reloadWhenSeen() {
    if (reloadPending) return;
    reloadPending = true;
    if (!document.hidden) { window.location.reload(); return; }
    document.addEventListener("visibilitychange", function () { window.location.reload(); },
                              { once: true });
  }

  function refreshQueue(status) {
    var rows = queueList.querySelectorAll("tr[data-chat-id]");
    var listed = {};
    Array.prototype.forEach.call(rows, function (row) {
      listed[row.getAttribute("data-chat-id")] = row;
    });
    var known = (queueList.getAttribute("data-waiting-ids") || "").split(" ").filter(Boolean);
    var changed = Number(queueList.getAttribute("data-waiting-count")) !== status.waiting;
    status.waiting_chats.forEach(function (chat) {
      var row = listed[chat.id];
      if (row) row.querySelector(".minutes").textContent = chat.minutes + " min";
      if (known.indexOf(chat.id) < 0) changed = true;
    });
    if (changed) reloadWhenSeen();
  }

  function poll() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (status) {
        showCount(status.waiting);
        signalNewChats(status.waiting_chats);
        if (queueList) refreshQueue(status);
      })
      .catch(function () { /* offline or signed out: try again at the next poll */ })
      .then(function () { setTimeout(poll, pollMs); });
  }
  poll();
})();
