"""Assignment: reassigning a chat to a colleague, the Online / Away switch, automatic
assignment to the least busy staff member online, and the keyboard-first console at 200 %
zoom and on a tablet (headless Chromium). No Rasa: chats are built in the database."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from assistant.chat import conversations, messages, presence
from assistant.extensions import db
from assistant.models import (
    AuditEvent,
    Conversation,
    Handoff,
    Message,
    Role,
    Sender,
    State,
    User,
    utcnow,
)
from tests.service.conftest import DATABASE_KINDS, NO_RASA, empty_database, make_app
from tests.support.access import bearer, grant
from tests.support.browser import chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user, csrf_token, login

PRESENCE = "/console/presence"
STATUS = "/console/queue/status.json"
KNOWLEDGE = "/console/knowledge/"
JOINED_TH = "คุณ{name} เจ้าหน้าที่ของศูนย์ เข้าร่วมการสนทนาแล้วค่ะ"
LONG_QUESTION = ("ขอสอบถามเรื่องการต่อวีซ่าธุรกิจและใบอนุญาตทำงานสำหรับพนักงานต่างชาติครับ "
                 "https://www.immigration.go.th/en/very/long/path/that/does/not/break/anywhere"
                 "?with=a&long=query&string=1234567890abcdefghijklmnopqrstuvwxyz")


@pytest.fixture(params=DATABASE_KINDS)
def auto_app(request, tmp_path_factory):
    """A new empty database for each test (who is online and busy is the test's alone), with
    automatic assignment on."""
    with empty_database(request.param, tmp_path_factory) as url:
        app = make_app(url, NO_RASA, NO_RASA, auto_assign=True)
        with app.app_context():
            yield app


def account(app, role="staff", name="Malee"):
    """(e-mail, id) of a new account made through the CLI."""
    email = create_user(app, role, name)
    with app.app_context():
        return email, db.session.scalar(select(User.id).where(User.email == email))


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def waiting_chat(app, text="I need help with my visa", language="en"):
    """The id of a chat whose user asked for staff."""
    with app.app_context():
        chat = conversations.start()
        chat.language = language
        db.session.add(Message(conversation=chat, sender=Sender.USER, text=text))
        messages.wait_for_staff(chat)
        db.session.commit()
        return chat.id


def chat_state(app, chat_id):
    with app.app_context():
        chat = db.session.get_one(Conversation, chat_id)
        return chat.state, chat.assigned_to_id


def post(client, chat_id, action, **data):
    page = f"/console/conversations/{chat_id}"
    return client.post(f"{page}/{action}", data={"csrf_token": csrf_token(client, page), **data},
                       follow_redirects=True)


def audit_events(app, chat_id):
    with app.app_context():
        return [(name, details) for name, details in db.session.execute(
            select(User.name, AuditEvent.details).join(User, AuditEvent.user_id == User.id)
            .where(AuditEvent.action == "chat reassigned", AuditEvent.target == chat_id)
            .order_by(AuditEvent.id))]


def test_reassigning_a_chat_with_staff_gives_the_answering_to_the_colleague(app_without_rasa):
    malee_email, malee = account(app_without_rasa, "staff", "Malee")
    somchai_email, somchai = account(app_without_rasa, "staff", "Somchai")
    chat = waiting_chat(app_without_rasa, "ขอคุยกับเจ้าหน้าที่ค่ะ", language="th")
    first = signed_in(app_without_rasa, malee_email)
    post(first, chat, "take")
    assert chat_state(app_without_rasa, chat) == (State.WITH_STAFF, malee)

    page = post(first, chat, "reassign", assignee=somchai).get_data(as_text=True)
    assert "Reassigned to Somchai." in page and "Assigned to Somchai" in page
    assert chat_state(app_without_rasa, chat) == (State.WITH_STAFF, somchai)
    assert audit_events(app_without_rasa, chat) == [
        ("Malee", {"assignee": "Somchai", "assignee_id": somchai, "previous": "Malee"})]
    user_sees = app_without_rasa.test_client().get(f"/api/conversations/{chat}/messages?after=0",
                                                   headers=bearer(grant(app_without_rasa, chat)))
    assert [reply["text"] for reply in user_sees.get_json()["replies"]] == [
        JOINED_TH.format(name="Malee"), JOINED_TH.format(name="Somchai")]

    assert first.get(f"/console/conversations/{chat}").status_code == 200  # may still read
    second = signed_in(app_without_rasa, somchai_email)
    post(second, chat, "reply", text="สวัสดีค่ะ ดิฉันช่วยต่อเองนะคะ")
    with app_without_rasa.app_context():
        last = db.session.scalars(select(Message).where(Message.conversation_id == chat)
                                  .order_by(Message.id.desc()).limit(1)).one()
        assert (last.text, last.staff_user_id) == ("สวัสดีค่ะ ดิฉันช่วยต่อเองนะคะ", somchai)


def test_reassigning_a_waiting_chat_keeps_it_waiting_until_the_colleague_takes_it(app_without_rasa):
    admin_email, _ = account(app_without_rasa, "admin", "Prapai")
    kanya_email, kanya = account(app_without_rasa, "staff", "Kanya")
    chat = waiting_chat(app_without_rasa)
    page = post(signed_in(app_without_rasa, admin_email), chat, "reassign", assignee=kanya)
    assert "Reassigned to Kanya." in page.get_data(as_text=True)
    assert chat_state(app_without_rasa, chat) == (State.WAITING_FOR_STAFF, kanya)
    assert audit_events(app_without_rasa, chat) == [
        ("Prapai", {"assignee": "Kanya", "assignee_id": kanya, "previous": None})]
    user_sees = app_without_rasa.test_client().get(f"/api/conversations/{chat}/messages?after=0",
                                                   headers=bearer(grant(app_without_rasa, chat)))
    assert user_sees.get_json()["replies"] == []  # nobody has joined yet

    post(signed_in(app_without_rasa, kanya_email), chat, "take")
    assert chat_state(app_without_rasa, chat) == (State.WITH_STAFF, kanya)


def test_reassigning_refuses_closed_chats_the_same_assignee_and_non_colleagues(app_without_rasa):
    malee_email, malee = account(app_without_rasa, "staff", "Malee")
    _, trainer = account(app_without_rasa, "trainer", "Wichai")
    _, former = account(app_without_rasa, "staff", "Former")
    with app_without_rasa.app_context():
        db.session.get_one(User, former).active = False
        db.session.commit()
    staff = signed_in(app_without_rasa, malee_email)
    chat = waiting_chat(app_without_rasa)
    post(staff, chat, "take")

    for someone in (trainer, former, 999999):
        page = post(staff, chat, "reassign", assignee=someone).get_data(as_text=True)
        assert "Choose an active staff member or admin." in page
    page = post(staff, chat, "reassign", assignee=malee).get_data(as_text=True)
    assert "The chat is already assigned to Malee." in page
    _, colleague = account(app_without_rasa, "staff", "Anong")
    post(staff, chat, "close")
    page = post(staff, chat, "reassign", assignee=colleague).get_data(as_text=True)
    assert "This conversation is closed." in page
    assert chat_state(app_without_rasa, chat) == (State.CLOSED, malee)
    assert audit_events(app_without_rasa, chat) == []


def test_the_reassign_list_names_active_colleagues_online_away_or_offline(app_without_rasa):
    online_email, _ = account(app_without_rasa, "staff", "Online Kanya")
    away_email, _ = account(app_without_rasa, "staff", "Away Anong")
    account(app_without_rasa, "admin", "Offline Niran")
    account(app_without_rasa, "trainer", "Trainer Wichai")
    signed_in(app_without_rasa, online_email).get(STATUS)  # its console polls: online
    away = signed_in(app_without_rasa, away_email)
    away.get(STATUS)
    away.post(PRESENCE, data={"csrf_token": csrf_token(away, KNOWLEDGE), "away": "1"})
    chat = waiting_chat(app_without_rasa)
    page = away.get(f"/console/conversations/{chat}").get_data(as_text=True)
    assert "Online Kanya – online</option>" in page
    assert "Away Anong – away</option>" in page
    assert "Offline Niran – offline</option>" in page
    assert "Trainer Wichai" not in page


def test_trainers_may_not_reassign_or_switch_presence(app_without_rasa):
    chat = waiting_chat(app_without_rasa)
    _, staff = account(app_without_rasa, "staff", "Malee")
    trainer_email, _ = account(app_without_rasa, "trainer", "Wichai")
    trainer = signed_in(app_without_rasa, trainer_email)
    token = csrf_token(trainer, KNOWLEDGE)
    assert trainer.post(f"/console/conversations/{chat}/reassign",
                        data={"csrf_token": token, "assignee": staff}).status_code == 403
    assert trainer.post(PRESENCE, data={"csrf_token": token, "away": "1"}).status_code == 403
    anonymous = app_without_rasa.test_client()
    refused = anonymous.post(PRESENCE, data={"csrf_token": csrf_token(anonymous, "/console/login"),
                                             "away": "1"})
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/console/login")
    assert chat_state(app_without_rasa, chat) == (State.WAITING_FOR_STAFF, None)


def test_presence_switch_takes_a_staff_member_out_of_the_online_list_and_back(app_without_rasa):
    email, user_id = account(app_without_rasa, "staff", "Kanya")
    staff = signed_in(app_without_rasa, email)
    staff.get(STATUS)

    def online():
        with app_without_rasa.app_context():
            return user_id in [user.id for user in presence.online_staff()]

    page = staff.get(KNOWLEDGE).get_data(as_text=True)  # the header of every console page
    assert online() and 'id="presence-state">Online</span>' in page and "Set away" in page
    token = csrf_token(staff, KNOWLEDGE)
    assert staff.post(PRESENCE, data={"away": "1", "next": KNOWLEDGE}).status_code == 400

    going = staff.post(PRESENCE, data={"csrf_token": token, "away": "1", "next": KNOWLEDGE})
    assert going.status_code == 302 and going.headers["Location"] == KNOWLEDGE
    assert not online()
    page = staff.get(KNOWLEDGE).get_data(as_text=True)
    assert 'id="presence-state">Away</span>' in page and "Go online" in page
    online_count = staff.get(STATUS).get_json()["online_staff"]

    back = staff.post(PRESENCE, data={"csrf_token": token, "away": "",
                                      "next": "https://elsewhere.example/console/"})
    assert back.headers["Location"] == "/console/"  # never away from the console
    assert online()
    assert staff.get(STATUS).get_json()["online_staff"] == online_count + 1


def staff_member(name, minutes_ago=0, away=False, role=Role.STAFF, active=True):
    """A staff member whose console was last seen ``minutes_ago`` (None: never)."""
    seen = None if minutes_ago is None else utcnow() - dt.timedelta(minutes=minutes_ago)
    user = User(email=f"{name.lower()}-{uuid.uuid4().hex[:6]}@bangkok.go.th", name=name,
                password_hash="!", role=role, active=active, away=away, last_seen_at=seen)
    db.session.add(user)
    db.session.commit()
    return user


def chat_of(user, state, requested_minutes_ago=30, taken_minutes_ago=None):
    """A chat in ``state`` assigned to ``user``, with the wait it came from."""
    now = utcnow()
    chat = Conversation(state=state, assigned_to=user)
    taken = None if taken_minutes_ago is None else now - dt.timedelta(minutes=taken_minutes_ago)
    chat.handoffs.append(Handoff(requested_at=now - dt.timedelta(minutes=requested_minutes_ago),
                                 taken_at=taken, staff_user_id=user.id if taken else None))
    db.session.add(chat)
    db.session.commit()
    return chat


def new_wait():
    """A chat with the bot that starts waiting now; returns its assignee (or None)."""
    chat = conversations.start()
    messages.wait_for_staff(chat)
    db.session.commit()
    assert chat.state == State.WAITING_FOR_STAFF
    return chat.assigned_to


def test_auto_assign_picks_the_least_busy_staff_member_online(auto_app):
    busy = staff_member("Busy")
    chat_of(busy, State.WAITING_FOR_STAFF, requested_minutes_ago=50)
    chat_of(busy, State.WITH_STAFF, requested_minutes_ago=40, taken_minutes_ago=39)
    lighter = staff_member("Lighter", minutes_ago=1)
    chat_of(lighter, State.WITH_STAFF, requested_minutes_ago=5, taken_minutes_ago=4)
    chat_of(lighter, State.CLOSED)  # done: not counted
    staff_member("Away", away=True)
    staff_member("Offline", minutes_ago=10)  # console closed (more than 90 s ago)
    staff_member("Never", minutes_ago=None)
    staff_member("Former", active=False)
    staff_member("Trainer", role=Role.TRAINER)

    assert new_wait() == lighter  # one chat against two
    assert new_wait() == busy  # two each: Busy's last chat came longer ago
    assert new_wait() == lighter


def test_auto_assign_ties_go_to_whoever_got_a_chat_longest_ago_then_the_lowest_id(auto_app):
    recent = staff_member("Recent")
    chat_of(recent, State.CLOSED, requested_minutes_ago=6, taken_minutes_ago=5)
    earlier = staff_member("Earlier")
    handed_back = chat_of(earlier, State.BOT, requested_minutes_ago=70, taken_minutes_ago=60)
    handed_back.assigned_to = None  # as after a hand back: only the handoff remembers
    db.session.commit()
    first_new, second_new = staff_member("First new"), staff_member("Second new")

    assert [new_wait() for _ in range(4)] == [first_new, second_new, earlier, recent]
    assert new_wait() == first_new  # all busy with one chat: round again


def test_auto_assign_leaves_the_chat_unassigned_when_nobody_is_online(auto_app):
    staff_member("Away", away=True)
    staff_member("Offline", minutes_ago=3)
    assert new_wait() is None

    staff_member("Online")
    auto_app.config["AUTO_ASSIGN"] = False
    assert new_wait() is None


def test_auto_assign_only_when_a_new_wait_starts_and_keeps_a_colleagues_choice(auto_app):
    chat = conversations.start()
    messages.wait_for_staff(chat)  # nobody online yet
    db.session.commit()
    online = staff_member("Online")
    messages.wait_for_staff(chat)  # still the same wait
    db.session.commit()
    assert chat.assigned_to is None

    chosen = staff_member("Chosen", minutes_ago=60)  # offline, but asked for by a colleague
    handed_on = conversations.start()
    handed_on.assigned_to = chosen
    messages.wait_for_staff(handed_on)
    db.session.commit()
    assert handed_on.assigned_to == chosen
    assert new_wait() == online


def test_a_chat_waiting_through_the_api_is_assigned_and_stays_waiting(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'auto.db'}", NO_RASA, NO_RASA, auto_assign=True)
    email, kanya = account(app, "staff", "Kanya")
    staff = signed_in(app, email)
    staff.get(STATUS)  # online
    api = app.test_client()
    chat = api.post("/api/conversations").get_json()["id"]
    asked = api.post(f"/api/conversations/{chat}/messages", json={"text": "visa help please"})
    assert asked.get_json()["state"] == "waiting_for_staff"  # the assistant is down
    assert chat_state(app, chat) == (State.WAITING_FOR_STAFF, kanya)
    assert "Assigned to Kanya" in staff.get(f"/console/conversations/{chat}").get_data(True)

    post(staff, chat, "take")
    assert chat_state(app, chat) == (State.WITH_STAFF, kanya)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The service without Rasa on a real port; yields (app, base URL)."""
    database = tmp_path_factory.mktemp("db") / "assignment.db"
    app = make_app(f"sqlite:///{database}", NO_RASA, NO_RASA)
    with live_server(app) as url:
        yield app, url


def shows_state(page, state):
    page.wait_for_function("s => document.getElementById('state').dataset.state === s",
                           arg=state, timeout=10000)


def test_keyboard_shortcuts_take_reply_hand_back_close_and_go_to_the_queue(site):
    app, url = site
    chat = waiting_chat(app, "ขอคุยกับเจ้าหน้าที่ค่ะ", language="th")
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, url, create_user(app, "staff", name="Malee"))
        page.goto(f"{url}/console/conversations/{chat}")
        help_dialog = page.locator("#shortcut-help")
        page.keyboard.press("?")
        help_dialog.wait_for(state="visible")
        assert "Take the chat over" in help_dialog.inner_text()
        page.keyboard.press("Escape")
        help_dialog.wait_for(state="hidden")

        page.keyboard.press("t")
        shows_state(page, "with_staff")
        page.keyboard.press("n")
        assert page.evaluate("() => document.activeElement.id") == "note-text"
        page.keyboard.press("Escape")
        page.keyboard.press("r")
        reply = page.locator("#reply-text")
        assert page.evaluate("() => document.activeElement.id") == "reply-text"
        assert reply.input_value() == ""  # the "r" only focused the box
        page.keyboard.type("tbc ")  # letters typed in the box are text, not shortcuts
        assert reply.input_value() == "tbc "
        reply.fill("สวัสดีค่ะ ดิฉันชื่อมาลีค่ะ")
        page.keyboard.press("Control+Enter")
        page.locator("#transcript li.staff", has_text="ดิฉันชื่อมาลีค่ะ").wait_for()
        with app.app_context():
            sent = db.session.scalars(select(Message.text).where(
                Message.conversation_id == chat, Message.sender == Sender.STAFF)).all()
        assert sent[-1] == "สวัสดีค่ะ ดิฉันชื่อมาลีค่ะ"
        assert chat_state(app, chat)[0] == State.WITH_STAFF

        page.locator("#reply-text").focus()
        page.keyboard.press("Escape")  # leaves the box: letters are shortcuts again
        page.keyboard.press("b")
        shows_state(page, "bot")

        page.once("dialog", lambda dialog: dialog.dismiss())
        page.keyboard.press("c")
        page.keyboard.press("Control+c")  # with Ctrl: the browser's, not a shortcut
        assert chat_state(app, chat)[0] == State.BOT
        page.once("dialog", lambda dialog: dialog.accept())
        page.keyboard.press("c")
        shows_state(page, "closed")

        page.keyboard.press("g")
        page.keyboard.press("q")
        page.wait_for_url(f"{url}/console/")


def test_shortcuts_work_with_the_thai_keyboard_layout(site):
    app, url = site
    chat = waiting_chat(app)
    with chromium() as browser:
        page = browser.new_page()
        sign_in(page, url, create_user(app, "staff", name="Anong"))
        page.goto(f"{url}/console/conversations/{chat}")
        page.evaluate("""() => document.body.dispatchEvent(new KeyboardEvent("keydown",
            {key: "ะ", code: "KeyT", bubbles: true, cancelable: true}))""")  # Kedmanee "t"
        shows_state(page, "with_staff")
        page.locator("#reassign-to").wait_for()
        page.evaluate("""() => document.body.dispatchEvent(new KeyboardEvent("keydown",
            {key: "ฟ", code: "KeyA", bubbles: true, cancelable: true}))""")  # Kedmanee "a"
        assert page.evaluate("() => document.activeElement.id") == "reassign-to"


def fits(page):
    """No horizontal scrolling: the page is no wider than the window."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def small_controls(page):
    """Visible controls (folded panels opened) less than 44 px tall: (name, height)."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    return page.evaluate("""() => Array.from(document.querySelectorAll(
            ".bar a, button, select, textarea, label.sound, "
            + "input:not([type=hidden]):not([type=checkbox])"))
        .filter(element => element.offsetParent !== null)
        .map(element => [element.id || element.textContent.trim(),
                         element.getBoundingClientRect().height])
        .filter(([, height]) => height < 44)""")


@pytest.mark.parametrize("name,options", [
    ("console-zoom-200", {"viewport": {"width": 640, "height": 800}, "device_scale_factor": 2}),
    ("console-tablet", {"viewport": {"width": 768, "height": 1024}, "device_scale_factor": 2,
                        "is_mobile": True, "has_touch": True}),
])
def test_console_fits_at_200_percent_zoom_and_on_a_tablet(site, name, options):
    app, url = site
    waiting_chat(app, LONG_QUESTION, language="th")
    waiting_chat(app, "Where do I extend my retirement visa? " * 6)
    handled = waiting_chat(app, LONG_QUESTION, language="th")
    email = create_user(app, "admin", name="Kittipong Wongsawat")
    post(signed_in(app, email), handled, "take")
    touch = options.get("has_touch", False)
    with chromium() as browser:
        page = browser.new_context(**options).new_page()
        sign_in(page, url, email)
        assert page.evaluate("() => matchMedia('(pointer: coarse)').matches") == touch
        for path in ("/console/", f"/console/conversations/{handled}?q=visa"):
            page.goto(url + path)
            assert page.locator("#transcript li, tr[data-chat-id]").count() > 0
            assert fits(page), f"{path} scrolls sideways"
            if touch:
                assert small_controls(page) == [], path
        screenshot(page, name)
