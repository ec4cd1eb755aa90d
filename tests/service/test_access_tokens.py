"""The conversation id is no credential and does not leave the console (issue 16, item 11).

Reading a chat (its messages and event stream), exporting and erasing it need the access
token its creation returned; the database keeps only the token's hash. Rating links carry a
random token that says nothing about the chat. Report exports and the console's links name a
chat by its reference, never by its id. (The center's e-mail: test_offline_handoff.py; the
references made for existing chats: test_migrations.py.)
"""

import base64
import csv
import datetime as dt
import hashlib
import io
import re
from urllib.parse import urlsplit

import openpyxl
import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from assistant.chat import conversations
from assistant.extensions import db
from assistant.mail.rating_link import rating_url
from assistant.models import Conversation, Rating, RatingLink, State, utcnow
from assistant.models.tokens import new_token
from common.thai_calendar import BANGKOK
from tests.support.access import bearer
from tests.support.console_helpers import create_user, csrf_token, login

REFERENCE = re.compile(r"C-[0-9A-HJKMNP-TV-Z]{8}")
READS = [("GET", "/messages"), ("GET", "/events"), ("GET", "/export")]
ERASE = ("DELETE", "")  # the last request of a chat


def started(app):
    """A chat started through the API: (its id, its access token)."""
    created = app.test_client().post("/api/conversations")
    assert created.status_code == 201
    body = created.get_json()
    return body["id"], body["access_token"]


def local(url):
    """The path and query of ``url`` (a link in an e-mail, a redirect's location)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def call(app, method, chat, path, headers=None, query=""):
    """A request about ``chat`` by a client that holds no token of its own."""
    response = app.test_client().open(f"/api/conversations/{chat}{path}{query}",
                                      method=method, headers=headers or {}, buffered=False)
    status, body = response.status_code, None
    if response.mimetype == "application/json":
        body = response.get_json()
    response.close()  # an event stream: the first lines are enough
    return status, body, response.headers


def refused(app, method, chat, path, headers=None, query=""):
    status, body, _ = call(app, method, chat, path, headers, query)
    return status, body["error"]["code"]


def test_reading_exporting_and_erasing_need_the_chats_access_token(app_without_rasa):
    app = app_without_rasa
    chat, token = started(app)
    assert len(token) >= 43
    for method, path in [*READS, ERASE]:
        status, body, headers = call(app, method, chat, path)
        assert (status, body["error"]["code"]) == (401, "access_token_required"), path
        assert headers["WWW-Authenticate"] == "Bearer"
        assert refused(app, method, chat, path, bearer(new_token())) == (
            401, "invalid_access_token"), path
        assert refused(app, method, chat, path, {"Authorization": token}) == (
            401, "access_token_required"), path  # no scheme: not sent as a Bearer token
        other, _ = started(app)  # one chat's token opens no other chat
        assert refused(app, method, other, path, bearer(token)) == (
            401, "invalid_access_token"), path
    query = f"?access_token={token}"
    assert refused(app, "GET", chat, "/export", query=query) == (401, "access_token_required")

    for method, path in READS:
        assert call(app, method, chat, path, bearer(token))[0] == 200, path
    events, _, headers = call(app, "GET", chat, "/events", query=query)  # as EventSource
    assert events == 200 and headers["Content-Type"].startswith("text/event-stream")
    status, erased, _ = call(app, "DELETE", chat, "", bearer(token))
    assert status == 200 and erased["erased"] is True
    status, exported, _ = call(app, "GET", chat, "/export", bearer(token))
    assert status == 200 and exported["conversation"]["erased_at"]  # the user may check
    preflight = app.test_client().options(f"/api/conversations/{chat}/export", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]


def test_the_database_keeps_only_the_tokens_hash(app_without_rasa):
    chat, token = started(app_without_rasa)
    with app_without_rasa.app_context():
        row = db.session.execute(select(Conversation.__table__).where(
            Conversation.id == chat)).one()
    assert token not in str(tuple(row))
    assert row.access_token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_a_chat_without_a_token_is_refused_clearly(app_without_rasa):
    """Chats started before tokens (and LINE chats) have none: no token opens them."""
    with app_without_rasa.app_context():
        chat = conversations.start().id
    for method, path in [*READS, ERASE]:
        for headers in (None, bearer(new_token())):
            assert refused(app_without_rasa, method, chat, path, headers) == (
                403, "no_access_token"), path
    assert app_without_rasa.test_client().post(  # writing stays open to the id, as before
        f"/api/conversations/{chat}/close").status_code == 200


def decoded(url):
    """What the token of ``url`` says once decoded as base64 (as a signed link would)."""
    token = url.rsplit("/", 1)[1].split(".")[0]
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def test_the_rating_link_says_nothing_about_the_chat_and_still_rates(app_without_rasa):
    app = app_without_rasa
    with app.app_context():
        chat = conversations.start()
        links = [rating_url(chat), rating_url(chat)]
        db.session.commit()
        chat_id, reference = chat.id, chat.reference
        stored = db.session.scalars(select(RatingLink.token_hash)
                                    .where(RatingLink.conversation_id == chat_id)).all()
        old_link = URLSafeSerializer("test", salt="satisfaction-link").dumps(chat_id)
    assert links[0] != links[1]  # each e-mail its own random token
    for link in links:
        token = link.rsplit("/", 1)[1]
        assert chat_id not in link and reference not in link
        assert chat_id.encode() not in decoded(link)
        assert token not in str(stored)  # only hashes
    path = local(links[0])
    rater = app.test_client()
    page = rater.get(path)
    assert page.status_code == 200 and 'name="level"' in page.get_data(as_text=True)
    rated = rater.post(path, data={"csrf_token": csrf_token(rater, path), "level": "4"})
    assert rated.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Rating.level).where(
            Rating.conversation_id == chat_id)) == 4
    assert rater.get(f"/rate/{old_link}").status_code == 404  # signed links no longer open


def rated_chat(app):
    """A chat closed and rated a moment ago; (its id, its reference)."""
    with app.app_context():
        chat = Conversation(state=State.CLOSED, closed_at=utcnow(),
                            satisfaction_asked_at=utcnow())
        chat.rating = Rating(level=5, language="en", handled_by="bot")
        db.session.add(chat)
        db.session.commit()
        return chat.id, chat.reference


def staff_client(app):
    client = app.test_client()
    assert login(client, create_user(app, "staff")).status_code == 302
    return client


def test_report_exports_name_chats_by_reference_not_id(app_without_rasa):
    chat, reference = rated_chat(app_without_rasa)
    today = dt.datetime.now(BANGKOK).date().isoformat()
    query = f"kind=range&first={today}&last={today}"
    staff = staff_client(app_without_rasa)
    text = staff.get(f"/console/reports/ratings.csv?{query}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert reference in {row["reference"] for row in rows}
    assert "conversation_id" not in text and chat not in text
    book = openpyxl.load_workbook(io.BytesIO(
        staff.get(f"/console/reports/report.xlsx?{query}").data))
    cells = [str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
             for cell in row]
    assert reference in cells and not [cell for cell in cells if chat in cell]
    assert all(REFERENCE.fullmatch(row[0]) for row in book["Ratings"].iter_rows(
        min_row=2, values_only=True))


@pytest.mark.parametrize("typed", [str.upper, str.lower])
def test_staff_find_a_chat_by_its_reference(app_without_rasa, typed):
    app = app_without_rasa
    chat, reference = rated_chat(app)
    staff = app.test_client()
    link = f"/console/ref/{typed(reference)}"
    to_login = staff.get(link)
    assert to_login.status_code == 302 and "/console/login" in to_login.location
    login_page = local(to_login.location)
    signed_in = staff.post(login_page, data={
        "email": create_user(app, "staff"), "password": "correct horse battery",
        "csrf_token": csrf_token(staff, login_page)})
    assert local(signed_in.location) == link  # back to the link of the e-mail
    opened = staff.get(link)
    assert local(opened.location) == f"/console/conversations/{chat}"
    assert reference in staff.get(local(opened.location)).get_data(as_text=True)
    assert staff.get("/console/ref/C-00000000").status_code == 404
    found = staff.get(f"/console/history/?q={typed(reference)}").get_data(as_text=True)
    assert f'data-chat-id="{chat}"' in found
    exported = app.test_cli_runner().invoke(args=["privacy", "export", typed(reference)])
    assert exported.exit_code == 0 and chat in exported.output


def test_sign_in_goes_only_to_console_pages(app_without_rasa):
    staff = app_without_rasa.test_client()
    email = create_user(app_without_rasa, "staff")
    for target, lands in [("https://evil.example/console/", "/console/"),
                          ("//evil.example/console/", "/console/"),
                          ("/console/history/", "/console/history/")]:
        page = f"/console/login?next={target}"
        response = staff.post(page, data={"email": email, "password": "correct horse battery",
                                          "csrf_token": csrf_token(staff, page)})
        assert local(response.location) == lands, target
