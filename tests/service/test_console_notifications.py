"""Staff notifications: the queue status the console polls, and the counter, title, sound and
browser notifications it drives, in real headless Chromium against real Rasa."""

import datetime as dt

import pytest
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import User, as_utc, utcnow
from tests.service.conftest import make_app
from tests.support.browser import chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user, csrf_token, login, signed_in_client

STATUS = "/console/queue/status.json"
HUMAN_EN = "I want to talk to a human"
HUMAN_TH = "ขอคุยกับเจ้าหน้าที่ค่ะ"
LONG_TEXT = "My work permit expires next week and my employer has not sent the papers yet, " \
            "what can I do now?"
# Before any page script: a Notification that records what it would show (kept in
# sessionStorage, so it survives the queue page's reloads), and an AudioContext that counts
# the tones started. PERMISSION is the permission the page sees first.
RECORDERS = """(() => {
  if (location.protocol !== "http:") return;
  window.__notifications = JSON.parse(sessionStorage.getItem("test.notifications") || "[]");
  window.__beeps = Number(sessionStorage.getItem("test.beeps") || 0);
  window.__shown = {};  // this page's notifications by tag, to click them
  class RecordedNotification {
    constructor(title, options = {}) {
      this.title = title;
      window.__notifications.push({title, body: options.body, tag: options.tag});
      sessionStorage.setItem("test.notifications", JSON.stringify(window.__notifications));
      window.__shown[options.tag] = this;
    }
    close() {}
  }
  RecordedNotification.permission = "PERMISSION";
  RecordedNotification.requestPermission = () => {
    window.__asked = true;
    RecordedNotification.permission = "granted";
    return Promise.resolve("granted");
  };
  window.Notification = RecordedNotification;
  const RealAudioContext = window.AudioContext;
  window.AudioContext = class extends RealAudioContext {
    createOscillator() {
      const oscillator = super.createOscillator();
      const start = oscillator.start.bind(oscillator);
      oscillator.start = (...args) => {
        window.__beeps += 1;
        sessionStorage.setItem("test.beeps", String(window.__beeps));
        return start(...args);
      };
      return oscillator;
    }
  };
})();"""


def ask_for_staff(app, text=HUMAN_EN):
    """A new chat through the public API whose user asks for a person; returns its id."""
    api = app.test_client()
    chat = api.post("/api/conversations").get_json()["id"]
    asked = api.post(f"/api/conversations/{chat}/messages", json={"text": text}).get_json()
    assert asked["state"] == "waiting_for_staff", asked
    return chat


def last_seen(app, email):
    with app.app_context():
        return db.session.scalar(select(User.last_seen_at).where(User.email == email))


def status(client):
    response = client.get(STATUS)
    assert response.status_code == 200
    return response.get_json()


def test_status_lists_waiting_chats_oldest_first_with_previews(module_app):
    staff = signed_in_client(module_app, "staff")
    assert status(staff)["waiting"] == 0 and status(staff)["waiting_chats"] == []

    english = ask_for_staff(module_app)
    api = module_app.test_client()
    assert len(LONG_TEXT) > 80  # written while waiting: the preview is its first 79 and "…"
    api.post(f"/api/conversations/{english}/messages", json={"text": LONG_TEXT})
    thai = ask_for_staff(module_app, HUMAN_TH)
    bot_only = api.post("/api/conversations").get_json()["id"]
    api.post(f"/api/conversations/{bot_only}/messages", json={"text": "hello"})

    seen = status(staff)
    assert seen["waiting"] == 2
    assert seen["waiting_chats"] == [
        {"id": english, "language": "en", "channel": "web", "minutes": 0, "urgent": False,
         "preview": LONG_TEXT[:79] + "…"},
        {"id": thai, "language": "th", "channel": "web", "minutes": 0, "urgent": False,
         "preview": HUMAN_TH},
    ]

    page = f"/console/conversations/{english}"
    staff.post(f"{page}/take", data={"csrf_token": csrf_token(staff, page)})
    after = status(staff)
    assert after["waiting"] == 1 and [c["id"] for c in after["waiting_chats"]] == [thai]


def test_status_is_for_staff_and_admins_only(module_app):
    anonymous = module_app.test_client().get(STATUS)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/console/login")
    trainer_email = create_user(module_app, "trainer")
    trainer = module_app.test_client()
    login(trainer, trainer_email)
    assert trainer.get(STATUS).status_code == 403
    assert last_seen(module_app, trainer_email) is None  # a trainer is never counted online
    assert signed_in_client(module_app, "admin").get(STATUS).status_code == 200


def test_polling_marks_the_staff_member_online(module_app):
    email = create_user(module_app, "staff", name="Kanya")
    staff = module_app.test_client()
    login(staff, email)
    assert last_seen(module_app, email) is None
    online_before = status(signed_in_client(module_app, "admin"))["online_staff"]

    assert status(staff)["online_staff"] == online_before + 1
    seen = last_seen(module_app, email)
    assert seen is not None and utcnow() - as_utc(seen) < dt.timedelta(seconds=30)


@pytest.fixture(scope="module")
def site(servers, knowledge_dir, tmp_path_factory):
    """The service on a real port, polled every second; yields (app, base URL)."""
    database = tmp_path_factory.mktemp("db") / "notifications.db"
    app = make_app(f"sqlite:///{database}", servers.rasa.base_url, servers.actions_url,
                   knowledge_dir, console_poll_seconds=1)
    with live_server(app) as url:
        yield app, url


def staff_browser(browser, permission="granted"):
    """A browser context whose pages record notifications and beeps."""
    context = browser.new_context(permissions=["notifications"],
                                  viewport={"width": 1280, "height": 800})
    context.add_init_script(RECORDERS.replace("PERMISSION", permission))
    return context.new_page()


def polled(page):
    """Wait until the page has received the next status answer."""
    with page.expect_response(lambda response: STATUS in response.url, timeout=10000):
        pass


def wait_for(page, predicate, arg=None):
    """Wait until the JavaScript function ``predicate`` holds (a function: the page's CSP
    forbids evaluating strings)."""
    page.wait_for_function(predicate, arg=arg, timeout=20000)


def test_new_waiting_chats_raise_counter_title_sound_and_notification(site):
    app, url = site
    with chromium() as browser:
        page = staff_browser(browser)
        sign_in(page, url, create_user(app, "staff", name="Malee"))
        badge = page.locator("#waiting-badge")
        assert badge.inner_text() == "0"
        assert not page.get_by_role("button", name="Enable alerts").is_visible()  # granted
        polled(page)
        assert page.evaluate("window.__notifications.length") == 0
        assert not page.title().startswith("(")

        first = ask_for_staff(app)
        page.locator(f'tr[data-chat-id="{first}"]').wait_for(timeout=20000)  # queue reloaded
        wait_for(page, "() => document.title.startsWith('(1) ')")
        assert badge.inner_text() == "1"
        assert "active" in badge.get_attribute("class")
        notifications = page.evaluate("window.__notifications")
        assert [(n["title"], n["tag"]) for n in notifications] == [("New chat waiting", first)]
        assert HUMAN_EN in notifications[0]["body"]
        assert page.evaluate("window.__beeps") >= 1

        page.evaluate("window.__stayed = true")  # gone if the page reloads
        polled(page)
        polled(page)
        assert page.evaluate("window.__stayed") is True  # nothing changed: no reload

        second = ask_for_staff(app, HUMAN_TH)
        page.locator(f'tr[data-chat-id="{second}"]').wait_for(timeout=20000)
        wait_for(page, "() => document.title.startsWith('(2) ')")
        assert badge.inner_text() == "2"
        notifications = page.evaluate("window.__notifications")
        assert [n["tag"] for n in notifications] == [first, second]
        assert HUMAN_TH in notifications[1]["body"]

        page.get_by_role("link", name="Knowledge base").click()
        page.wait_for_url(f"{url}/console/knowledge/")
        wait_for(page, "() => document.title.startsWith('(2) ')")  # this page has polled
        polled(page)
        assert page.locator("#waiting-badge").inner_text() == "2"
        assert page.evaluate("window.__notifications.length") == 2  # no second alert

        page.goto(f"{url}/console/conversations/{first}")
        page.get_by_role("button", name="Take over").click()
        wait_for(page, "() => document.title.startsWith('(1) ')")
        assert page.locator("#waiting-badge").inner_text() == "1"
        screenshot(page, "console-notifications")

        page.get_by_label("Sound").uncheck()
        beeps = page.evaluate("window.__beeps")
        third = ask_for_staff(app)
        wait_for(page, "() => window.__notifications.length === 3")
        assert page.evaluate("window.__notifications[2].tag") == third
        assert page.evaluate("window.__beeps") == beeps  # sound off: silent
        page.reload()
        assert not page.get_by_label("Sound").is_checked()  # remembered


def test_first_poll_signals_chats_already_waiting_once(site):
    app, url = site
    waiting = ask_for_staff(app)
    with chromium() as browser:
        page = staff_browser(browser)
        sign_in(page, url, create_user(app, "admin", name="Prapai"))
        count = int(page.locator("#waiting-badge").inner_text())
        wait_for(page, "n => window.__notifications.length === n", count)
        assert waiting in page.evaluate("window.__notifications.map(n => n.tag)")
        page.reload()
        polled(page)
        assert page.evaluate("window.__notifications.length") == count


def test_clicking_a_notification_opens_its_chat(site):
    app, url = site
    with chromium() as browser:
        page = staff_browser(browser)
        sign_in(page, url, create_user(app, "staff", name="Somchai"))
        page.get_by_role("link", name="Knowledge base").click()
        polled(page)
        chat = ask_for_staff(app)
        wait_for(page, "id => window.__shown[id] && window.__shown[id].onclick", chat)
        page.evaluate("id => window.__shown[id].onclick()", chat)
        page.wait_for_url(f"{url}/console/conversations/{chat}")


def test_enable_alerts_asks_for_permission_from_a_click(site):
    app, url = site
    with chromium() as browser:
        page = staff_browser(browser, permission="default")
        sign_in(page, url, create_user(app, "staff", name="Anong"))
        button = page.get_by_role("button", name="Enable alerts")
        button.wait_for(state="visible")  # shown by the notifications script once it runs
        assert page.evaluate("window.__asked") is None
        button.click()
        button.wait_for(state="hidden")
        assert page.evaluate("window.__asked") is True


def test_trainers_see_no_counter(site):
    app, url = site
    with chromium() as browser:
        page = staff_browser(browser)
        sign_in(page, url, create_user(app, "trainer", name="Wichai"))
        page.goto(f"{url}/console/knowledge/")
        assert page.locator("#waiting-badge").count() == 0
        assert page.locator("script[src$='notifications.js']").count() == 0


def test_a_filtered_queue_reloads_when_any_chat_starts_waiting(site):
    app, url = site
    with chromium() as browser:
        page = staff_browser(browser)
        sign_in(page, url, create_user(app, "staff", name="Malee"))
        page.goto(f"{url}/console/?language=th")
        polled(page)
        page.evaluate("window.__stayed = true")
        polled(page)
        assert page.evaluate("window.__stayed") is True  # nothing changed: no reload

        english = ask_for_staff(app)  # hidden by the filter, yet the queue changed
        wait_for(page, "() => window.__stayed === undefined")
        assert page.locator(f'tr[data-chat-id="{english}"]').count() == 0
        thai = ask_for_staff(app, HUMAN_TH)
        page.locator(f'tr[data-chat-id="{thai}"]').wait_for(timeout=20000)
