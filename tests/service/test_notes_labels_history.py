"""Staff console records: private notes with @mentions, labels, the queue's and the history's
filters, text search in English and Thai, full transcripts and the transcript e-mail.

Console only (no Rasa): conversations are built in the database, on SQLite and PostgreSQL.
"""

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from assistant.chat import conversations, messages
from assistant.chat import staff as staff_actions
from assistant.extensions import db
from assistant.models import (
    AuditEvent,
    Conversation,
    Label,
    Message,
    Note,
    NoteMention,
    OutboundEmail,
    Sender,
    Ticket,
    User,
    utcnow,
)
from common.thai_calendar import BANGKOK
from tests.service.conftest import NO_RASA, make_app
from tests.support.access import bearer, grant
from tests.support.console_helpers import create_user, csrf_token, login

SECRET = "Passport scan looks forged, ask for the original"
CHAT_ID = re.compile(r'data-chat-id="(\w+)"')


@pytest.fixture(scope="module")
def console_app(module_database, smtp):
    """No Rasa (chats are built in the database), mail to ``smtp``, short event streams."""
    return make_app(module_database, NO_RASA, NO_RASA, stream_seconds=1, smtp_url=smtp.url)


@pytest.fixture(scope="module")
def team(console_app):
    """E-mail addresses of the module's console users."""
    return {"malee": member(console_app, "staff", "Malee Srisuk", "malee.s"),
            "somchai": member(console_app, "staff", "สมชาย ใจดี", "somchai.j"),
            "admin": member(console_app, "admin", "Anong Admin", "anong.a"),
            "trainer": member(console_app, "trainer", "Ton Trainer", "ton.t")}


def member(app, role, name, local):
    email = create_user(app, role, name)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        user.email = f"{local}@bangkok.go.th"
        db.session.commit()
        return user.email


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def make_chat(app, said=(), *, language="en", channel="web", state="bot", labels=(),
              rating=None, created=None, staff=None):
    """A conversation stored directly: ``said`` is (sender, text) or (sender, text, fields)."""
    with app.app_context():
        chat = conversations.start(channel)
        chat.language = language
        for sender, text, *fields in said:
            db.session.add(Message(conversation=chat, sender=Sender(sender), text=text,
                                   language=language, **(fields[0] if fields else {})))
        for name in labels:
            label = db.session.scalar(select(Label).where(Label.name == name))
            chat.labels.append(label or Label(name=name))
        if created:  # stored as UTC, as the service stores every time
            chat.created_at = created.astimezone(dt.timezone.utc)
        db.session.commit()
        if state in ("waiting_for_staff", "with_staff"):
            messages.wait_for_staff(chat)
            db.session.commit()
        if state == "with_staff":
            staff_actions.take_over(chat, db.session.scalars(
                select(User).where(User.email == staff)).one())
        if state == "closed":
            conversations.close(chat)
        if rating:
            conversations.rate(chat, rating)
        return chat.id


def post_form(client, page, action, **data):
    return client.post(action, data={"csrf_token": csrf_token(client, page), **data})


def add_note(client, chat, text):
    page = f"/console/conversations/{chat}"
    return post_form(client, page, f"{page}/notes", text=text)


def ids(html):
    return CHAT_ID.findall(html)


def queue_lists(client, query=""):
    """(waiting ids, handled ids, the page) of the queue."""
    html = client.get(f"/console/{query}").get_data(as_text=True)
    waiting, _, handled = html.partition('id="handled-chats"')
    return ids(waiting.partition('id="waiting-count"')[2]), ids(handled), html


def history_ids(client, query):
    response = client.get(f"/console/history/?{query}")
    assert response.status_code == 200
    return ids(response.get_data(as_text=True))


def stored(app, function):
    with app.app_context():
        return function(db.session)


# Private notes and mentions

def test_mentions_put_the_chat_in_the_colleagues_queue_until_they_open_it(console_app, team):
    chat = make_chat(console_app, [("user", "My visa expires tomorrow")],
                     state="waiting_for_staff")
    somchai, malee = signed_in(console_app, team["somchai"]), signed_in(console_app,
                                                                       team["malee"])
    text = "@Malee please check, @malee.s knows overstay rules. @nobody @สมชาย cc."
    response = add_note(somchai, chat, text)
    assert response.status_code == 302 and response.headers["Location"].endswith("#notes")
    page = somchai.get(f"/console/conversations/{chat}").get_data(as_text=True)
    assert "Private note added. Mentioned: Malee Srisuk." in page  # once, not herself
    assert "No colleague is called @nobody." in page

    mentions = stored(console_app, lambda s: s.scalars(select(NoteMention)).all())
    assert [(m.user_id, m.seen_at) for m in mentions] == [
        (user_id(console_app, team["malee"]), None)]
    event = stored(console_app, lambda s: s.scalars(
        select(AuditEvent).where(AuditEvent.action == "note added")).one())
    assert event.target == f"conversation {chat}"
    assert event.details["mentioned"] == [user_id(console_app, team["malee"])]
    assert text not in str(event.details)  # the audit log keeps no note text

    queue = malee.get("/console/").get_data(as_text=True)
    mentioned = queue.partition('id="mentioned-you"')[2].partition("</section>")[0]
    assert f'data-conversation-id="{chat}"' in mentioned
    assert "สมชาย ใจดี" in mentioned and "@Malee please check" in mentioned
    assert 'id="mentioned-you"' not in somchai.get("/console/").get_data(as_text=True)

    assert malee.get(f"/console/conversations/{chat}").status_code == 200  # she opens it
    assert 'id="mentioned-you"' not in malee.get("/console/").get_data(as_text=True)
    assert stored(console_app, lambda s: s.scalar(select(NoteMention.seen_at).where(
        NoteMention.user_id == user_id(console_app, team["malee"])))) is not None

    add_note(malee, chat, "ขอบคุณค่ะ @สมชาย ดูให้แล้วนะคะ")  # a Thai first name
    assert f'data-conversation-id="{chat}"' in somchai.get("/console/").get_data(as_text=True)
    somchai.get(f"/console/history/{chat}")  # the transcript counts as opening it too
    assert 'id="mentioned-you"' not in somchai.get("/console/").get_data(as_text=True)


def test_a_private_note_never_reaches_the_user(console_app, team):
    malee = signed_in(console_app, team["malee"])
    chat = make_chat(console_app, [("user", "Can I extend my tourist visa?")],
                     state="with_staff", staff=team["malee"])
    messages_before = stored(console_app, lambda s: s.scalar(
        select(func.count()).select_from(Message).where(Message.conversation_id == chat)))
    add_note(malee, chat, SECRET)
    assert stored(console_app, lambda s: s.scalar(
        select(func.count()).select_from(Message)
        .where(Message.conversation_id == chat))) == messages_before  # nothing to deliver

    api, user = console_app.test_client(), bearer(grant(console_app, chat))
    listed = api.get(f"/api/conversations/{chat}/messages", headers=user).get_json()
    assert listed["replies"] and SECRET not in str(listed)
    events = api.get(f"/api/conversations/{chat}/events", headers=user).get_data(as_text=True)
    assert "event: message" in events and SECRET not in events
    exported = api.get(f"/api/conversations/{chat}/export", headers=user).get_json()
    assert exported["messages"] and SECRET not in str(exported) and "notes" not in exported


@pytest.mark.parametrize("page", ["/console/conversations/{}", "/console/history/{}"])
def test_staff_see_the_note_marked_in_the_transcript(console_app, team, page):
    malee = signed_in(console_app, team["malee"])
    chat = make_chat(console_app, [("user", "Is this passport valid?")])
    add_note(malee, chat, SECRET)
    html = malee.get(page.format(chat)).get_data(as_text=True)
    note = html.partition('class="note"')[2].partition("</li>")[0]
    assert SECRET in note and "Private note — only staff see this" in note
    assert "Malee Srisuk" in note


def test_notes_are_interleaved_by_time(console_app, team):
    chat = make_chat(console_app, [("user", "first question")], state="waiting_for_staff")
    add_note(signed_in(console_app, team["malee"]), chat, "note between the questions")
    with console_app.app_context():
        db.session.add(Message(conversation_id=chat, sender=Sender.USER, text="second question"))
        db.session.commit()
    page = signed_in(console_app, team["somchai"]).get(f"/console/history/{chat}")
    html = page.get_data(as_text=True)
    order = [html.index(text) for text in ("first question", "note between the questions",
                                           "second question")]
    assert order == sorted(order)


@pytest.mark.parametrize("text", ["   ", "x" * 2001])
def test_empty_or_too_long_notes_are_refused(console_app, team, text):
    chat = make_chat(console_app, [("user", "hello")])
    response = add_note(signed_in(console_app, team["malee"]), chat, text)
    assert response.status_code == 302
    assert stored(console_app, lambda s: s.scalar(
        select(func.count()).select_from(Note).where(Note.conversation_id == chat))) == 0


# Labels

def test_labels_are_normalised_added_suggested_and_removed(console_app, team):
    chat = make_chat(console_app, [("user", "I want to invest in a factory")])
    admin = signed_in(console_app, team["admin"])
    page = f"/console/conversations/{chat}"

    def labels_of():
        return stored(console_app, lambda s: [
            label.name for label in s.get(Conversation, chat).labels])

    for raw in ("  Investor Lead ", "investor_lead", "ลงทุน ใหญ่"):
        assert post_form(admin, page, f"{page}/labels", name=raw).status_code == 302
    assert labels_of() == ["investor-lead", "ลงทุน-ใหญ่"]
    for bad in ("x", "visa!", "a" * 41):
        post_form(admin, page, f"{page}/labels", name=bad)
    html = admin.get(page).get_data(as_text=True)
    assert "A label is 2-40 letters (Latin or Thai), digits or hyphens." in html
    assert labels_of() == ["investor-lead", "ลงทุน-ใหญ่"]
    datalist = html.partition('<datalist id="label-suggestions">')[2].partition("</datalist>")[0]
    assert '<option value="investor-lead">' in datalist

    post_form(admin, page, f"{page}/labels/remove", name="Investor Lead")
    assert labels_of() == ["ลงทุน-ใหญ่"]
    assert stored(console_app, lambda s: s.scalar(
        select(Label.id).where(Label.name == "investor-lead"))) is not None  # kept to reuse
    events = stored(console_app, lambda s: [
        (e.action, e.details) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.target == f"conversation {chat}")
            .order_by(AuditEvent.id))])
    assert events == [("label added", {"label": "investor-lead", "created": True}),
                      ("label added", {"label": "ลงทุน-ใหญ่", "created": True}),
                      ("label removed", {"label": "investor-lead"})]


# Filters on the queue and the history

@pytest.fixture(scope="module")
def filter_chats(console_app, team):
    """Chats with the label "filtered" that differ in one way each, by name."""
    def bangkok(day, hour):
        return dt.datetime.combine(day, dt.time(hour), tzinfo=BANGKOK)

    jan_11 = dt.date(2026, 1, 11)
    visa_reply = ("bot", "Visa extensions: Chaeng Watthana.", {"topic": "visa",
                                                                "intent": "ask_visa"})
    return {
        "thai_waiting": make_chat(console_app, [("user", "ขอคุยกับเจ้าหน้าที่"), visa_reply],
                                  language="th", channel="line", state="waiting_for_staff",
                                  labels=["filtered", "complaint"]),
        "english_waiting": make_chat(console_app, [("user", "I need a person please")],
                                     state="waiting_for_staff", labels=["filtered"]),
        "thai_with_malee": make_chat(console_app, [("user", "ภาษีเงินได้ค่ะ")], language="th",
                                     state="with_staff", staff=team["malee"],
                                     labels=["filtered"]),
        "english_with_somchai": make_chat(console_app, [("user", "tax question")],
                                          state="with_staff", staff=team["somchai"],
                                          labels=["filtered"]),
        "rated_5": make_chat(console_app, [("user", "thanks")], state="closed", rating=5,
                             labels=["filtered"], created=bangkok(jan_11, 0)),
        "rated_2": make_chat(console_app, [("user", "hmm")], state="closed", rating=2,
                             labels=["filtered"], created=bangkok(jan_11, 23)),
        "jan_10": make_chat(console_app, [("user", "late night")], state="closed",
                            labels=["filtered"],
                            created=bangkok(jan_11, 0) - dt.timedelta(minutes=1)),
    }


@pytest.mark.parametrize("query, expected", [
    ("", ["thai_waiting", "english_waiting", "thai_with_malee", "english_with_somchai",
          "rated_5", "rated_2", "jan_10"]),
    ("label=complaint", ["thai_waiting"]),
    ("language=th", ["thai_waiting", "thai_with_malee"]),
    ("topic=visa", ["thai_waiting"]),
    ("state=with_staff", ["thai_with_malee", "english_with_somchai"]),
    ("rating=5", ["rated_5"]),
    ("rating=2", ["rated_2"]),
    ("rating=none", ["thai_waiting", "english_waiting", "thai_with_malee",
                     "english_with_somchai", "jan_10"]),
    ("date_from=2026-01-11&date_to=2026-01-11", ["rated_5", "rated_2"]),  # Bangkok days
    ("date_to=2026-01-10", ["jan_10"]),
    ("assigned=me", ["thai_with_malee"]),
    ("assigned=unassigned", ["thai_waiting", "english_waiting", "rated_5", "rated_2",
                             "jan_10"]),
    ("language=th&state=waiting_for_staff", ["thai_waiting"]),
    ("language=xx&rating=9", ["thai_waiting", "english_waiting", "thai_with_malee",
                              "english_with_somchai", "rated_5", "rated_2", "jan_10"]),
])
def test_each_history_filter(console_app, team, filter_chats, query, expected):
    malee = signed_in(console_app, team["malee"])
    found = history_ids(malee, f"label=filtered&{query}" if "label" not in query else query)
    assert sorted(found) == sorted(filter_chats[name] for name in expected)


def test_the_queue_is_filtered_and_shows_who_handles_what(console_app, team, filter_chats):
    malee = signed_in(console_app, team["malee"])
    waiting, handled, html = queue_lists(malee, "?label=filtered&language=th")
    assert waiting == [filter_chats["thai_waiting"]]
    assert handled == [filter_chats["thai_with_malee"]]
    waiting_ids = html.partition('data-waiting-ids="')[2].partition('"')[0].split()
    assert filter_chats["english_waiting"] in waiting_ids  # hidden, still watched for changes
    assert "Not a valid choice" not in html  # filters left out are no error
    assert "Language: Not a valid choice" in queue_lists(malee, "?language=xx")[2]

    waiting, handled, html = queue_lists(malee)
    assert {filter_chats["thai_waiting"], filter_chats["english_waiting"]} <= set(waiting)
    row = html.partition(f'data-chat-id="{filter_chats["thai_waiting"]}"')[2].partition("</tr>")[0]
    for shown in ('class="minutes">0 min', "ไทย", "LINE", "complaint", "Unassigned",
                  "ขอคุยกับเจ้าหน้าที่"):
        assert shown in row
    row = html.partition(f'data-chat-id="{filter_chats["english_with_somchai"]}"')[2]
    assert "Assigned to สมชาย ใจดี" in row.partition("</tr>")[0]

    _, handled, _ = queue_lists(malee, "?label=filtered&assigned=me")
    assert handled == [filter_chats["thai_with_malee"]]


# History: text search and pages

def test_history_finds_thai_and_english_text_in_messages_and_notes(console_app, team):
    malee = signed_in(console_app, team["malee"])
    thai = make_chat(console_app, [("user", "อยากต่อวีซ่าท่องเที่ยวค่ะ")], language="th",
                     labels=["searched"])
    english = make_chat(console_app, [("user", "hello"),
                                      ("bot", "To extend my visa? Go to Chaeng Watthana.")],
                        labels=["searched"])
    noted = make_chat(console_app, [("user", "hi")], labels=["searched"])
    add_note(malee, noted, "Investor from Osaka, 100% serious about a factory")
    percent = make_chat(console_app, [("user", "1000 baht fee_waiver")], labels=["searched"])

    assert history_ids(malee, "label=searched&q=ต่อวีซ่า") == [thai]
    assert history_ids(malee, "label=searched&q=EXTEND+MY+VISA") == [english]
    assert history_ids(malee, "label=searched&q=osaka") == [noted]
    assert history_ids(malee, "label=searched&q=100%25") == [noted]  # % is no wildcard
    assert history_ids(malee, "label=searched&q=_") == [percent]  # nor is _
    assert history_ids(malee, "label=searched&q=nowhere+to+be+found") == []

    html = malee.get("/console/history/?label=searched&q=ต่อวีซ่า").get_data(as_text=True)
    assert "อยาก<mark>ต่อวีซ่า</mark>ท่องเที่ยวค่ะ" in html
    html = malee.get("/console/history/?label=searched&q=osaka").get_data(as_text=True)
    assert "note:" in html and "Investor from <mark>Osaka</mark>, 100% serious" in html


def test_history_has_pages_of_50_newest_first(console_app, team):
    start = utcnow() - dt.timedelta(days=30)
    made = [make_chat(console_app, [("user", f"question {n}")], labels=["paged"],
                      created=start + dt.timedelta(minutes=n)) for n in range(51)]
    malee = signed_in(console_app, team["malee"])
    first = malee.get("/console/history/?label=paged").get_data(as_text=True)
    assert ids(first) == made[::-1][:50] and "51 conversations · page 1 of 2" in first
    older = re.search(r'href="([^"]+)" rel="next"', first)
    assert older and "label=paged" in older.group(1)
    second = malee.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert ids(second) == [made[0]]


# Transcript and its e-mail

def test_full_transcript_and_its_e_mail_without_notes(console_app, team, smtp):
    malee = signed_in(console_app, team["malee"])
    source = {"title": "Immigration Bureau", "url": "https://www.immigration.go.th/"}
    chat = make_chat(console_app, [
        ("user", "ต้องรายงานตัว 90 วันที่ไหนคะ"),
        ("user", "/affirm", {"payload": "/affirm"}),  # a button: its title was shown
        ("bot", "รายงานตัว 90 วันได้ที่สำนักงานตรวจคนเข้าเมืองค่ะ",
         {"intent": "ask_visa", "topic": "visa", "confidence": 0.93,
          "article_ids": ["visa-90-day-reporting"], "sources": [source]}),
    ], language="th", state="with_staff", staff=team["malee"])
    with console_app.app_context():
        chat_row = db.session.get_one(Conversation, chat)
        staff_actions.staff_reply(chat_row, db.session.scalars(
            select(User).where(User.email == team["malee"])).one(), "ทำออนไลน์ได้ด้วยค่ะ", 2000)
        db.session.add(Ticket(conversation_id=chat, email="nok@example.com"))
        db.session.commit()
        conversations.close(chat_row)
        conversations.rate(chat_row, 4)
    add_note(malee, chat, SECRET)

    page = f"/console/history/{chat}"
    html = malee.get(page).get_data(as_text=True)
    for shown in ("intent ask_visa (0.93)", "topic Visas", "visa-90-day-reporting",
                  "90-day", 'href="https://www.immigration.go.th/"', "Malee Srisuk",
                  "ทำออนไลน์ได้ด้วยค่ะ", SECRET, "Private note — only staff see this",
                  "4 – Satisfied", 'value="nok@example.com"'):
        assert shown in html, shown
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", html)

    before = len(smtp.messages)
    response = post_form(malee, page, f"{page}/email", email="nok@example.com")
    assert response.status_code == 302
    assert "Transcript to nok@example.com is in the outbox" in malee.get(page).get_data(True)
    assert len(smtp.messages) == before  # the mailer sends it, not the request
    assert console_app.test_cli_runner().invoke(args=["mail", "send"]).exit_code == 0
    sent = smtp.wait_for(before + 1)[before:]
    assert [m["To"] for m in sent] == ["nok@example.com"]
    body = sent[0].get_content()
    assert "ศูนย์บริการข้อมูลสำหรับชาวต่างชาติ" in sent[0]["Subject"]
    for said in ("ต้องรายงานตัว 90 วันที่ไหนคะ", "รายงานตัว 90 วันได้ที่สำนักงานตรวจคนเข้าเมืองค่ะ",
                 "Malee Srisuk (เจ้าหน้าที่): ทำออนไลน์ได้ด้วยค่ะ", "https://www.immigration.go.th/",
                 "คุณ: ต้องรายงานตัว"):
        assert said in body, said
    for internal in (SECRET, "ask_visa", "0.93", "/affirm"):
        assert internal not in body
    outbound = stored(console_app, lambda s: s.scalars(
        select(OutboundEmail).where(OutboundEmail.kind == "transcript",
                                    OutboundEmail.conversation_id == chat)).one())
    assert outbound.status == "sent"
    assert stored(console_app, lambda s: s.scalar(select(AuditEvent.details).where(
        AuditEvent.action == "transcript e-mailed",
        AuditEvent.target == f"conversation {chat}"))) == {"email": outbound.id}


def test_transcript_e_mail_needs_an_address(console_app, team):
    malee = signed_in(console_app, team["malee"])
    chat = make_chat(console_app, [("user", "hello")])
    page = f"/console/history/{chat}"
    post_form(malee, page, f"{page}/email", email="not an address")
    assert "Give the user&#39;s e-mail address." in malee.get(page).get_data(as_text=True)
    assert stored(console_app, lambda s: s.scalar(select(func.count()).select_from(
        OutboundEmail).where(OutboundEmail.conversation_id == chat))) == 0


def test_erasure_deletes_notes_and_mentions_but_keeps_labels(console_app, team):
    chat = make_chat(console_app, [("user", "my passport AB1234567")], labels=["erasable"])
    add_note(signed_in(console_app, team["somchai"]), chat, "@malee.s passport AB1234567")

    def left(session):
        return (session.scalars(select(Note.text).where(Note.conversation_id == chat)).all(),
                session.scalar(select(func.count()).select_from(NoteMention)),
                [label.name for label in session.get(Conversation, chat).labels])
    notes, mentions_before, _ = stored(console_app, left)
    assert notes == ["@malee.s passport AB1234567"]
    assert console_app.test_client().delete(f"/api/conversations/{chat}", headers=bearer(
        grant(console_app, chat))).get_json()["erased"]
    notes, mentions_after, labels = stored(console_app, left)
    assert notes == [] and mentions_after == mentions_before - 1
    assert labels == ["erasable"]  # an anonymous tag, kept like the rating
    html = signed_in(console_app, team["malee"]).get(f"/console/history/{chat}")
    assert "The transcript was erased" in html.get_data(as_text=True)


# Roles

def test_trainers_and_strangers_cannot_use_notes_labels_or_history(console_app, team):
    chat = make_chat(console_app, [("user", "hello")])
    trainer = signed_in(console_app, team["trainer"])
    token = csrf_token(trainer, "/console/knowledge/")
    pages = [("get", "/console/history/"), ("get", f"/console/history/{chat}"),
             ("post", f"/console/history/{chat}/email"),
             ("post", f"/console/conversations/{chat}/notes"),
             ("post", f"/console/conversations/{chat}/labels"),
             ("post", f"/console/conversations/{chat}/labels/remove")]
    anonymous = console_app.test_client()
    anonymous_token = csrf_token(anonymous, "/console/login")
    for method, url in pages:
        data = {"csrf_token": token, "text": "x", "name": "x", "email": "a@example.com"}
        assert getattr(trainer, method)(url, data=data).status_code == 403, url
        refused = getattr(anonymous, method)(url, data={**data, "csrf_token": anonymous_token})
        assert "/console/login" in refused.headers["Location"], url
    assert stored(console_app, lambda s: s.scalar(select(func.count()).select_from(Note)
                                                  .where(Note.conversation_id == chat))) == 0
