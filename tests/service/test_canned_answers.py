"""Canned answers: admins manage them (audit-logged), variables are rendered on the server in
the chat's language, the reply box finds them with "/" and inserts them (real Chromium), and a
sent reply counts its answer's use. No Rasa needed: chats are built in the database."""

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from assistant.chat import canned, conversations, messages
from assistant.extensions import db
from assistant.models import AuditEvent, CannedAnswer, Conversation, Message, Sender, Ticket, User
from common import thai_calendar
from common.thai_calendar import in_bangkok, thai_date
from tests.service.conftest import NO_RASA, make_app
from tests.support.access import bearer, grant
from tests.support.browser import chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user, csrf_token, signed_in_client

NEW = "/console/canned/new"
DAY = dt.date(2026, 11, 27)
ANSWER = {"code": "visa90", "title": "90-day report",
          "text_en": "Hello {user_name}, report every 90 days.",
          "text_th": "สวัสดีค่ะ คุณ{user_name} กรุณารายงานตัวทุก 90 วันค่ะ"}


@pytest.fixture(autouse=True)
def no_answers(request):
    """Each test of the app starts without canned answers."""
    if "app_without_rasa" not in request.fixturenames:
        return
    app = request.getfixturevalue("app_without_rasa")
    with app.app_context():
        db.session.execute(delete(CannedAnswer))
        db.session.commit()


def stored(app, function):
    with app.app_context():
        return function(db.session)


def answer_by_code(app, code):
    return stored(app, lambda session: session.scalar(
        select(CannedAnswer).where(CannedAnswer.code == code)))


def add_answer(app, code, title, text_en, text_th="ข้อความภาษาไทยค่ะ", usage_count=0):
    def save(session):
        answer = CannedAnswer(code=code, title=title, text_en=text_en, text_th=text_th,
                              usage_count=usage_count)
        session.add(answer)
        session.commit()
        return answer.id
    return stored(app, save)


def reply_box_of_taken_chat(browser, url, app, chat):
    """A page where staff member Malee took ``chat`` over, and its reply box, focused."""
    page = browser.new_page(viewport={"width": 900, "height": 900})
    sign_in(page, url, create_user(app, "staff", name="Malee"))
    page.wait_for_url(f"{url}/console/")
    page.goto(f"{url}/console/conversations/{chat}")
    page.get_by_role("button", name="Take over").click()
    box = page.get_by_role("combobox", name="Reply to the user")
    box.click()
    return page, box


def waiting_chat(app, language, contact_name=None, text="ขอคุยกับเจ้าหน้าที่ค่ะ"):
    """A chat whose user asked for staff, built in the database; returns its id."""
    with app.app_context():
        chat = conversations.start()
        chat.language, chat.contact_name = language, contact_name
        db.session.add(Message(conversation=chat, sender=Sender.USER, text=text,
                               language=language))
        messages.wait_for_staff(chat)
        db.session.commit()
        return chat.id


def audit_actions(app, target):
    return stored(app, lambda session: [
        (event.action, event.details) for event in session.scalars(
            select(AuditEvent).where(AuditEvent.target == target).order_by(AuditEvent.id))])


def post_form(client, path, form_page=None, **data):
    """Post ``data`` to ``path`` with the CSRF token of the form on ``form_page`` (or path)."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data})


def test_admin_creates_edits_and_deletes_with_an_audit_trail(app_without_rasa):
    admin = signed_in_client(app_without_rasa, "admin", "Prapai")
    assert "No canned answers yet" in admin.get("/console/canned/").get_data(True)

    created = post_form(admin, NEW, **ANSWER)
    assert created.status_code == 302 and created.headers["Location"] == "/console/canned/"
    answer = answer_by_code(app_without_rasa, "visa90")
    assert (answer.title, answer.text_en, answer.text_th) == (
        ANSWER["title"], ANSWER["text_en"], ANSWER["text_th"])
    assert answer.usage_count == 0
    listing = admin.get("/console/canned/").get_data(True)
    assert "/visa90" in listing and "90-day report" in listing
    assert 'class="usage">0<' in listing

    edit = f"/console/canned/{answer.id}/edit"
    assert "รายงานตัวทุก 90 วัน" in admin.get(edit).get_data(True)  # the form shows the texts
    changed = post_form(admin, edit, **{**ANSWER, "title": "TM47: 90-day report"})
    assert changed.status_code == 302
    assert answer_by_code(app_without_rasa, "visa90").title == "TM47: 90-day report"

    deleted = post_form(admin, f"/console/canned/{answer.id}/delete", edit)
    assert deleted.status_code == 302 and answer_by_code(app_without_rasa, "visa90") is None
    assert admin.get(edit).status_code == 404

    trail = audit_actions(app_without_rasa, "canned:visa90")
    assert [action for action, _ in trail] == ["canned_create", "canned_edit", "canned_delete"]
    assert trail[0][1]["text_th"] == ANSWER["text_th"]
    assert trail[1][1] == {"changes": {"title": ["90-day report", "TM47: 90-day report"]}}
    assert trail[2][1]["text_en"] == ANSWER["text_en"]  # a deleted answer can be restored

    # The audit log page says it in words, in Bangkok time (issue 17).
    page = admin.get("/console/training/audit").get_data(True)
    assert "canned answer edited" in page and "When (Bangkok time)" in page
    assert "title: “90-day report” → “TM47: 90-day report”" in page
    assert "{&#39;" not in page and "[&#39;" not in page  # no Python dict or list text
    edited_at = stored(app_without_rasa, lambda session: session.scalars(
        select(AuditEvent.created_at).where(AuditEvent.action == "canned_edit")).one())
    assert f"{in_bangkok(edited_at):%Y-%m-%d %H:%M}" in page


def test_invalid_answers_are_refused_with_clear_errors(app_without_rasa):
    admin = signed_in_client(app_without_rasa, "admin")
    empty = post_form(admin, NEW, code="A", title="", text_en="Hi", text_th="")
    page = empty.get_data(True)
    assert empty.status_code == 400 and "Not saved" in page
    assert "Use 2 to 40 lowercase letters, digits or hyphens" in page
    assert "Enter a title." in page and "Enter the Thai text." in page
    assert 'aria-invalid="true"' in page
    for code in ("visa 90", "วีซ่า", "x" * 41, "visa_90"):
        refused = post_form(admin, NEW, **{**ANSWER, "code": code})
        assert refused.status_code == 400, code
    assert stored(app_without_rasa,
                  lambda session: session.scalars(select(CannedAnswer)).all()) == []

    assert post_form(admin, NEW, **{**ANSWER, "code": " /Visa-90 "}).status_code == 302
    # slash, case and spaces normalised
    assert answer_by_code(app_without_rasa, "visa-90") is not None
    taken = post_form(admin, NEW, **{**ANSWER, "code": "visa-90", "title": "Other"})
    assert taken.status_code == 400
    assert "/visa-90 is already the code of “90-day report”" in taken.get_data(True)

    other = add_answer(app_without_rasa, "hold", "Please hold", "Please hold.")
    renamed = post_form(admin, f"/console/canned/{other}/edit",
                        **{**ANSWER, "code": "visa-90", "title": "Please hold"})
    assert renamed.status_code == 400 and answer_by_code(app_without_rasa, "hold") is not None
    unchanged = post_form(admin, f"/console/canned/{other}/edit", code="hold",
                          title="Please hold", text_en="Please hold.", text_th="รอสักครู่ค่ะ")
    assert unchanged.status_code == 302  # keeping its own code is fine


def test_unknown_variables_are_saved_with_a_warning(app_without_rasa):
    admin = signed_in_client(app_without_rasa, "admin")
    saved = post_form(admin, NEW, **{**ANSWER, "text_en": "Dear {username}, {date}",
                                     "text_th": "เรียน {name} ค่ะ"})
    assert saved.status_code == 302
    page = admin.get(saved.headers["Location"]).get_data(True)
    assert "Not a known variable, so it stays as written: {name}, {username}." in page
    assert "Known variables: {user_name}, {staff_name}, {date}, {date_be}, {reference}." in page
    assert answer_by_code(app_without_rasa, "visa90").text_en == "Dear {username}, {date}"
    quiet = post_form(admin, NEW, **{**ANSWER, "code": "plain"})
    assert "Not a known variable" not in admin.get(quiet.headers["Location"]).get_data(True)


@pytest.mark.parametrize("role", ["staff", "trainer"])
def test_only_admins_manage_staff_use_trainers_neither(app_without_rasa, role):
    answer_id = add_answer(app_without_rasa, "greeting", "Greeting", "Hello {user_name}!")
    chat = waiting_chat(app_without_rasa, "en", "Anna")
    client = signed_in_client(app_without_rasa, role)
    for path in ("/console/canned/", NEW, f"/console/canned/{answer_id}/edit"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/console/login")
    for path in (NEW, f"/console/canned/{answer_id}/edit", f"/console/canned/{answer_id}/delete"):
        assert client.post(path, data={**ANSWER, "csrf_token": token}).status_code == 403, path
    assert answer_by_code(app_without_rasa, "greeting").text_en == "Hello {user_name}!"

    search = client.get(f"/console/canned/search.json?conversation={chat}&q=gr")
    used = client.post(f"/console/canned/{answer_id}/used", headers={"X-CSRFToken": token})
    if role == "trainer":
        assert search.status_code == used.status_code == 403
    else:
        assert search.get_json()["answers"][0]["text"] == "Hello Anna!"
        assert used.get_json() == {"id": answer_id, "usage_count": 1}


def test_the_reply_box_links_to_management_for_admins_only(app_without_rasa):
    chat = waiting_chat(app_without_rasa, "en")
    page = f"/console/conversations/{chat}"
    for role, sees_link in (("staff", False), ("admin", True)):
        client = signed_in_client(app_without_rasa, role)
        client.post(f"{page}/take", data={"csrf_token": csrf_token(client, page)})
        html = client.get(page).get_data(True)
        assert 'role="combobox"' in html and 'role="listbox"' in html
        assert ('href="/console/canned/">Manage</a>' in html) is sees_link, role


def person(language, contact_name=None, ticket_id=None):
    """A chat (not stored) with what the variables read from it."""
    chat = Conversation(language=language, contact_name=contact_name)
    if ticket_id:
        chat.ticket = Ticket(id=ticket_id)
    return chat


def test_every_variable_in_both_languages():
    answer = CannedAnswer(
        text_en="Hello {user_name}, I am {staff_name}. "
                "Today is {date} ({date_be}), ref {reference}.",
        text_th="สวัสดีค่ะ คุณ{user_name} ดิฉัน{staff_name} วันนี้ {date} ({date_be}) เลขที่ {reference}")
    staff = User(name="Malee")
    english = canned.render(answer, person("en", "John Smith", 12), staff, today=DAY)
    assert english == ("Hello John Smith, I am Malee. Today is 27 November 2026 "
                       "(27 พฤศจิกายน 2569), ref BKK-000012.")
    thai = canned.render(answer, person("th", "สมชาย", 12), staff, today=DAY)
    assert thai == ("สวัสดีค่ะ คุณสมชาย ดิฉันMalee วันนี้ 27 พฤศจิกายน 2569 "
                    "(27 พฤศจิกายน 2569) เลขที่ BKK-000012")


def test_variables_without_a_value_leave_clean_spacing():
    staff = User(name="Malee")
    nobody = person("en")
    known = canned.values(nobody, staff, today=DAY)
    assert known["user_name"] == "" and known["reference"] == ""
    assert canned.fill("Hello {user_name}, welcome!", known) == "Hello, welcome!"
    assert canned.fill("Hello {user_name} and welcome", known) == "Hello and welcome"
    assert canned.fill("{user_name} welcome\n  {user_name} again", known) == "welcome\n  again"
    assert canned.fill("{user_name} {reference} welcome", known) == "welcome"
    assert canned.fill("Ref {reference} {user_name}: ok", known) == "Ref: ok"
    assert canned.fill("{staff_name} {user_name}", known) == "Malee"
    assert canned.fill("{unknown} and {User_Name} stay, {date}", known) == (
        "{unknown} and {User_Name} stay, 27 November 2026")
    blank_name = canned.values(person("th", "   "), staff, today=DAY)
    assert canned.fill("สวัสดีค่ะ คุณ{user_name}", blank_name) == "สวัสดีค่ะ คุณ"
    assert canned.unknown_variables("{unknown} {date} {x1}", "{user_name}") == ["unknown", "x1"]


def test_today_is_the_bangkok_day(monkeypatch):
    late_evening_utc = dt.datetime(2026, 11, 26, 18, 30, tzinfo=dt.timezone.utc)  # 01:30 in BKK
    monkeypatch.setattr(thai_calendar, "utcnow", lambda: late_evening_utc)
    assert canned.values(person("th"), User(name="Malee"))["date"] == "27 พฤศจิกายน 2569"


def test_search_puts_code_prefixes_first_and_renders_in_the_chats_language(app_without_rasa):
    add_answer(app_without_rasa, "hello", "Greeting", "We can help with your visa.")
    add_answer(app_without_rasa, "tm30", "Visa address notice", "Notify your address.")
    add_answer(app_without_rasa, "student-visa", "Students", "Student visas.")
    add_answer(app_without_rasa, "visa90", "90-day report", "Report every 90 days.", usage_count=1)
    add_answer(app_without_rasa, "visa-extension", "Extension", "Extend your stay.", usage_count=5)
    add_answer(app_without_rasa, "bye", "Closing", "Goodbye {user_name}!", "ลาก่อนค่ะ คุณ{user_name}")
    staff = signed_in_client(app_without_rasa, "staff", "Malee")
    english = waiting_chat(app_without_rasa, "en", "John")
    thai = waiting_chat(app_without_rasa, "th", "สมชาย")

    def search(chat, query):
        response = staff.get(f"/console/canned/search.json?conversation={chat}&q={query}")
        assert response.status_code == 200
        return response.get_json()

    found = search(english, "VISA")["answers"]
    assert [a["code"] for a in found] == [
        "visa-extension", "visa90", "student-visa", "tm30", "hello"]
    assert found[0] == {"id": found[0]["id"], "code": "visa-extension", "title": "Extension",
                        "text": "Extend your stay."}
    assert [a["code"] for a in search(english, "")["answers"]][:2] == ["visa-extension", "visa90"]
    assert search(english, "nothing-like-this")["answers"] == []
    assert search(english, "%25")["answers"] == []  # LIKE's wildcard is a plain character

    by_thai = search(thai, "ลาก่อน")
    assert by_thai["language"] == "th"
    assert [(a["code"], a["text"]) for a in by_thai["answers"]] == [("bye", "ลาก่อนค่ะ คุณสมชาย")]
    assert search(english, "bye")["answers"][0]["text"] == "Goodbye John!"
    assert staff.get("/console/canned/search.json?conversation=nope&q=bye").status_code == 404


def test_usage_is_counted_without_changing_the_last_edit(app_without_rasa):
    answer_id = add_answer(app_without_rasa, "hold", "Please hold", "Please hold.")
    edited_before = answer_by_code(app_without_rasa, "hold").updated_at
    staff = signed_in_client(app_without_rasa, "staff")
    token = csrf_token(staff, "/console/login")
    assert staff.post(f"/console/canned/{answer_id}/used").status_code == 400  # no CSRF token
    counts = [staff.post(f"/console/canned/{answer_id}/used", headers={"X-CSRFToken": token})
              .get_json()["usage_count"] for _ in range(2)]
    assert counts == [1, 2]
    after = answer_by_code(app_without_rasa, "hold")
    assert after.usage_count == 2 and after.updated_at == edited_before
    missing = staff.post("/console/canned/999999/used", headers={"X-CSRFToken": token})
    assert missing.status_code == 404


def test_seed_adds_the_suggested_answers_once(app_without_rasa):
    add_answer(app_without_rasa, "closing", "Our own closing", "Bye.")
    first = app_without_rasa.test_cli_runner().invoke(args=["canned", "seed"])
    assert first.exit_code == 0, first.output
    assert "4 canned answer(s) added" in first.output and "/greeting" in first.output
    again = app_without_rasa.test_cli_runner().invoke(args=["canned", "seed"])
    assert "0 canned answer(s) added" in again.output
    answers = stored(app_without_rasa, lambda session: session.scalars(
        select(CannedAnswer).order_by(CannedAnswer.code)).all())
    assert [a.code for a in answers] == [
        "closing", "greeting", "hold", "office-hours", "passport-copy"]
    assert answers[0].title == "Our own closing"  # an existing code is left alone
    for answer in answers[1:]:
        assert canned.unknown_variables(answer.text_en, answer.text_th) == []
        assert "ค่ะ" in answer.text_th or "คะ" in answer.text_th
    passport = answers[-1]
    assert "invest@bangkok.go.th" in passport.text_en and "invest@bangkok.go.th" in passport.text_th


def test_staff_inserts_a_thai_canned_answer_with_the_keyboard_and_sends_it(app_without_rasa):
    add_answer(app_without_rasa, "greeting", "Greeting", "Hello {user_name}, today is {date}.",
               "สวัสดีค่ะ คุณ{user_name} วันนี้วันที่ {date} ({date_be}) ดิฉัน{staff_name} ยินดีให้บริการค่ะ")
    add_answer(app_without_rasa, "group-visa", "Group visa", "Groups apply together.", "ยื่นพร้อมกันค่ะ")
    chat = waiting_chat(app_without_rasa, "th", "สมหญิง")
    with live_server(app_without_rasa) as url, chromium() as browser:
        page, box = reply_box_of_taken_chat(browser, url, app_without_rasa, chat)
        box.press_sequentially("/gr")
        suggestions = page.get_by_role("listbox", name="Canned answers")
        options = suggestions.get_by_role("option")
        expect(options).to_have_count(2)
        expect(box).to_have_attribute("aria-expanded", "true")
        expect(options.nth(0)).to_contain_text("/greeting")
        expect(options.nth(0)).to_have_attribute("aria-selected", "true")
        box.press("ArrowDown")
        expect(options.nth(1)).to_have_attribute("aria-selected", "true")
        expect(box).to_have_attribute("aria-activedescendant", "canned-option-1")
        box.press("Escape")
        expect(suggestions).to_be_hidden()
        expect(box).to_have_value("/gr")
        expect(box).to_be_focused()

        box.press_sequentially("e")  # "/gre": the list opens again, with the greeting only
        expect(options).to_have_count(1)
        screenshot(page, "canned-answer-suggestions")
        box.press("Enter")
        today = thai_calendar.bangkok_today()
        expected = (f"สวัสดีค่ะ คุณสมหญิง วันนี้วันที่ {thai_date(today)} "
                    f"({thai_date(today)}) ดิฉันMalee ยินดีให้บริการค่ะ")
        expect(box).to_have_value(expected)
        expect(suggestions).to_be_hidden()
        page.get_by_role("button", name="Send reply").click()
        expect(page.locator("#transcript li.staff .text").last).to_have_text(expected)
        screenshot(page, "canned-answer-sent")

        box.press_sequentially("Thanks /group")  # a click inserts too
        options.filter(has_text="/group-visa").click()
        expect(box).to_have_value("Thanks ยื่นพร้อมกันค่ะ")
        expect(box).to_be_focused()

    def last_staff_text(session):
        return session.scalars(select(Message.text).where(
            Message.conversation_id == chat, Message.sender == Sender.STAFF)
            .order_by(Message.id.desc())).first()
    assert stored(app_without_rasa, last_staff_text) == expected
    seen = app_without_rasa.test_client().get(f"/api/conversations/{chat}/messages",
                                              headers=bearer(grant(app_without_rasa, chat)))
    seen = seen.get_json()
    assert seen["replies"][-1] == {**seen["replies"][-1], "sender": "staff", "text": expected}
    assert answer_by_code(app_without_rasa, "greeting").usage_count == 1
    assert answer_by_code(app_without_rasa, "group-visa").usage_count == 0


def test_a_new_database_gets_the_starter_answers_once(tmp_path):
    """What `make migrate` runs: the first time it adds the starter set; an answer an admin
    deleted later is not brought back."""
    app = make_app(f"sqlite:///{tmp_path / 'fresh.db'}", NO_RASA, NO_RASA)
    first = app.test_cli_runner().invoke(args=["canned", "seed", "--once"])
    assert "5 canned answer(s) added" in first.output, first.output
    admin = signed_in_client(app, "admin")
    hold = answer_by_code(app, "hold")
    post_form(admin, f"/console/canned/{hold.id}/delete", f"/console/canned/{hold.id}/edit")
    again = app.test_cli_runner().invoke(args=["canned", "seed", "--once"])
    assert "seeded before: nothing added" in again.output
    assert answer_by_code(app, "hold") is None


def test_the_reply_box_says_when_there_are_no_canned_answers(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'empty.db'}", NO_RASA, NO_RASA)
    chat = waiting_chat(app, "en", "Anna")
    with live_server(app) as url, chromium() as browser:
        page, box = reply_box_of_taken_chat(browser, url, app, chat)
        box.press_sequentially("/")
        empty = page.locator("#canned-empty")
        expect(empty).to_be_visible()
        expect(empty).to_have_text("No canned answers yet: an admin can add them.")
        expect(page.locator("#canned-status")).to_have_text(empty.inner_text())
        box.fill("")
        add_answer(app, "hold", "Please hold", "One moment please.")
        box.press_sequentially("/")  # "/" alone lists the answers, most used first
        expect(page.get_by_role("listbox", name="Canned answers").get_by_role("option")
               ).to_have_count(1)
        expect(empty).to_be_hidden()
