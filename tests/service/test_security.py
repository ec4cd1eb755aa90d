"""Security of the console: role x endpoint matrix, forms without CSRF token; rate limits,
headers, hostile input (XSS, SQL injection). The public routes (/api, /rate, /channels):
tests/service/test_public_api_fuzz.py (schemathesis, the same matrix by role)."""

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import MetaData, func, select

from assistant.extensions import db
from assistant.models import Conversation, Message, Rating
from scripts.servers import ROOT
from tests.service.conftest import make_app
from tests.support.browser import chromium, live_server, screenshot, sign_in
from tests.support.console_helpers import create_user, csrf_token, signed_in_client

STAFF, TRAINER, ADMIN = "staff", "trainer", "admin"
CHAT, TRAIN, ALL = {STAFF, ADMIN}, {TRAINER, ADMIN}, {STAFF, TRAINER, ADMIN}
ADMIN_ONLY = {ADMIN}
# Every console endpoint and the roles allowed to use it (the test fails for a new endpoint
# that is missing here).
MATRIX = {
    "console.queue": CHAT, "console.queue_status": CHAT, "console.conversation": CHAT,
    "console.send_article": CHAT,
    "console.close": CHAT, "console.hand_back": CHAT, "console.messages_json": CHAT,
    "console.reply": CHAT, "console.take": CHAT, "console.by_reference": CHAT,
    "console.question_answered": CHAT,
    "followups.index": CHAT, "followups.contact": CHAT, "followups.done": CHAT,
    "visits.index": CHAT, "visits.confirm": CHAT, "visits.propose": CHAT, "visits.cancel": CHAT,
    "assignment.reassign": CHAT, "assignment.set_presence": CHAT,
    "canned.index": ADMIN_ONLY, "canned.new": ADMIN_ONLY, "canned.edit": ADMIN_ONLY,
    "canned.delete": ADMIN_ONLY, "canned.search_json": CHAT, "canned.used": CHAT,
    "notes.create": CHAT, "labels.add": CHAT, "labels.remove": CHAT,
    "history.index": CHAT, "history.transcript": CHAT, "history.email_transcript": CHAT,
    "knowledge.index": ALL, "knowledge.edit": TRAIN, "knowledge.history": TRAIN,
    "knowledge.preview": TRAIN, "reviews.queue": TRAIN, "reviews.confirm": TRAIN,
    "reports.index": CHAT, "reports.aggregates_csv": CHAT, "reports.ratings_csv": CHAT,
    "reports.workbook": CHAT, "reports.progress_csv": CHAT, "reports.progress_xlsx": CHAT,
    "training.review_inbox": TRAIN, "training.audit_log": TRAIN, "training.make_story": TRAIN,
    "training.annotate": TRAIN, "training.dismiss": TRAIN, "training.activate": TRAIN,
    "training.runs": TRAIN, "training.start_run": TRAIN, "training.run": TRAIN,
}
PUBLIC = {"console.login", "console.logout", "console.static"}
HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'


@pytest.fixture(scope="module")
def secure_app(servers, tmp_path_factory):
    """A fresh service with its own copy of the articles, one of them with a hostile title;
    training points at a folder with only the domain, so nothing real could be retrained."""
    database = tmp_path_factory.mktemp("db") / "security.db"
    project = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "domain.yml", project / "domain.yml")
    articles = tmp_path_factory.mktemp("knowledge") / "articles"
    shutil.copytree(ROOT / "knowledge" / "articles", articles)
    overstay = articles / "visa" / "visa-overstay.md"
    text = overstay.read_text("utf-8")
    title = re.search(r"^title:\n  en: (.*)$", text, re.MULTILINE)
    assert title, "visa-overstay.md: no English title"
    overstay.write_text(text.replace(title.group(0), f"title:\n  en: '{HOSTILE} overstay'"),
                        "utf-8")
    return make_app(f"sqlite:///{database}", servers.rasa.base_url, servers.actions_url,
                    articles, training_root=project, stream_seconds=0.5)


@pytest.fixture(scope="module")
def chat_with_message(secure_app):
    client = secure_app.test_client()
    conversation = client.post("/api/conversations").get_json()["id"]
    client.post(f"/api/conversations/{conversation}/messages", json={"text": "hello"})
    with secure_app.app_context():
        message_id = db.session.scalar(select(Message.id).where(
            Message.conversation_id == conversation, Message.sender == "user"))
    return conversation, message_id


def url_for_rule(rule, conversation, message_id):
    values = {"conversation_id": conversation, "message_id": str(message_id),
              "article_id": "visa-90-day-reporting", "run_id": "1", "answer_id": "1",
              "name": "no-such-model.tar.gz", "reference": "C-00000000",
              "task_id": "1", "visit_id": "1", "slot": "1"}
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule.rule)


def test_every_console_endpoint_is_in_the_matrix(secure_app):
    endpoints = {rule.endpoint for rule in secure_app.url_map.iter_rules()
                 if rule.rule.startswith("/console")}
    assert endpoints - PUBLIC == set(MATRIX)


@pytest.mark.parametrize("role", [None, STAFF, TRAINER, ADMIN])
def test_role_by_endpoint_matrix(secure_app, chat_with_message, role):
    conversation, message_id = chat_with_message
    client = signed_in_client(secure_app, role)
    token = csrf_token(client, "/console/login")
    for rule in secure_app.url_map.iter_rules():
        if rule.endpoint not in MATRIX:
            continue
        url = url_for_rule(rule, conversation, message_id)
        allowed = role in MATRIX[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "POST" and allowed:
                continue  # allowed actions are exercised by the functional tests
            response = client.open(url, method=method, data={"csrf_token": token})
            where = f"{role} {method} {url}"
            if role is None:
                assert response.status_code == 302, where
                assert "/console/login" in response.headers["Location"], where
            elif not allowed:
                assert response.status_code == 403, where
            else:
                assert response.status_code < 500 and response.status_code != 403, where


def snapshot(app):
    """Every row of every table, and every file of the articles and the training folder."""
    with app.app_context():
        tables = MetaData()
        tables.reflect(bind=db.engine)
        rows = {name: sorted(map(repr, db.session.execute(select(table)).all()))
                for name, table in tables.tables.items()}
    folders = (app.config["KNOWLEDGE_DIR"], app.config["TRAINING_ROOT"])
    files = {path: path.read_bytes() for folder in folders
             for path in sorted(Path(folder).rglob("*")) if path.is_file()}
    return rows, files


# What a real form would send: were the token not checked, each action would go through.
FORM = {"text": "Posted without a token", "body": "Posted without a token", "name": "csrf",
        "label": "csrf", "title": "csrf", "intent": "greet", "status": "away", "level": "5",
        "email": "someone@bangkok.go.th", "password": "correct horse battery"}


@pytest.mark.parametrize("role", [None, STAFF, TRAINER, ADMIN])
def test_console_forms_without_csrf_token_are_refused_and_change_nothing(
        secure_app, chat_with_message, role):
    """Every POST under /console (chats, canned answers, knowledge, training, sign-in and
    out), for the roles allowed to use it too: without the form's CSRF token it answers 400
    before anything else, and nothing is stored, sent or written."""
    _, message_id = chat_with_message
    client = signed_in_client(secure_app, role)
    waiting = client.post("/api/conversations").get_json()["id"]
    asked = client.post(f"/api/conversations/{waiting}/messages",
                        json={"payload": "/ask_human"}).get_json()
    assert asked["state"] == "waiting_for_staff"
    posts = [rule for rule in secure_app.url_map.iter_rules()
             if rule.rule.startswith("/console") and "POST" in rule.methods]
    assert {rule.endpoint for rule in posts} >= {"console.take", "console.close",
                                                 "console.reply", "training.start_run",
                                                 "knowledge.edit", "console.login"}
    before = snapshot(secure_app)
    for rule in posts:
        url = url_for_rule(rule, waiting, message_id)
        response = client.post(url, data=FORM)
        assert response.status_code == 400, f"{role} POST {url}"
        assert "The CSRF token is missing." in response.get_data(as_text=True)
    assert snapshot(secure_app) == before
    with secure_app.app_context():  # the chat was not taken, answered or closed
        chat = db.session.get(Conversation, waiting)
        assert chat is not None
        assert (chat.state.value, chat.assigned_to_id) == ("waiting_for_staff", None)
        assert db.session.scalar(select(func.count()).select_from(Rating)
                                 .where(Rating.conversation_id == waiting)) == 0
    if role:  # still signed in: sign-out without the token was refused too
        assert client.get("/console/knowledge/").status_code == 200


def test_security_headers_on_pages_and_api(secure_app):
    client = secure_app.test_client()
    for path in ("/", "/console/login", "/api/openapi.json"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
    cookie = secure_app.test_client().get("/console/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_when_served_over_https(servers, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'https.db'}", servers.rasa.base_url,
                   servers.actions_url, secure_cookies=True)
    cookie = app.test_client().get("/console/login").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_rate_limits_per_conversation_per_client_and_on_login(servers, knowledge_dir, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'limits.db'}", servers.rasa.base_url,
                   servers.actions_url, knowledge_dir, rate_limit_conversation="3 per minute",
                   rate_limit_client="12 per minute", rate_limit_login="3 per minute")
    client = app.test_client()
    conversation = client.post("/api/conversations").get_json()["id"]
    client.post(f"/api/conversations/{conversation}/close")
    statuses = [client.post(f"/api/conversations/{conversation}/messages",
                            json={"text": "hi"}).status_code for _ in range(4)]
    assert statuses == [409, 409, 409, 429]
    limited = client.post(f"/api/conversations/{conversation}/messages", json={"text": "hi"})
    assert limited.get_json()["error"]["code"] == "too_many_requests"
    statuses = [client.post("/api/conversations").status_code for _ in range(12)]
    assert 429 in statuses
    for path in ("/api/health", "/api/openapi.json"):  # monitors and tools: never limited
        assert all(client.get(path).status_code != 429 for _ in range(15)), path

    browser = app.test_client()
    token = csrf_token(browser, "/console/login")
    attempts = [browser.post("/console/login", data={
        "email": "someone@bangkok.go.th", "password": "wrong password!", "csrf_token": token,
    }).status_code for _ in range(4)]
    assert attempts[:3] == [200, 200, 200] and attempts[3] == 429


@pytest.mark.parametrize("path", ["/api/conversations/' OR '1'='1/messages",
                                  "/api/conversations/1;DROP TABLE messages/messages",
                                  "/api/conversations/%27%20OR%201%3D1--/close"])
def test_sql_injection_in_ids_is_just_an_unknown_conversation(secure_app, path):
    client = secure_app.test_client()
    response = client.post(path, json={"text": "x"}) if path.endswith(("messages", "close")) \
        else client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_conversation"


def test_sql_injection_in_console_inputs_changes_nothing(secure_app, chat_with_message):
    with secure_app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Message))
    attacker = secure_app.test_client()
    token = csrf_token(attacker, "/console/login")
    response = attacker.post("/console/login", data={
        "email": "x@bangkok.go.th' OR '1'='1", "password": "' OR '1'='1' --", "csrf_token": token})
    assert response.status_code == 200 and "Sign out" not in response.get_data(as_text=True)
    admin = signed_in_client(secure_app, ADMIN)
    for path in ("/console/knowledge/?q=%27%3B%20DROP%20TABLE%20messages%3B%20--",
                 "/console/training/?q=%27%20OR%201%3D1%20--",
                 "/console/reports/?kind=month&month=2025-01%27%3B--"):
        assert admin.get(path).status_code in (200, 400)
    with secure_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == before


def test_hostile_text_never_runs_in_widget_console_or_inbox(secure_app):
    """A user message, a staff member's name and an article title carrying script."""
    staff_email = create_user(secure_app, "admin", name=HOSTILE)
    with live_server(secure_app) as url, chromium() as browser:
        violations = []

        def watch(page):
            page.on("console", lambda message: violations.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.on("dialog", lambda dialog: violations.append(f"dialog {dialog.message}"))
            return page

        user = watch(browser.new_page())
        user.goto(url + "/")
        chat = user.locator("#bkk-expat-chat")
        chat.get_by_role("button", name="Chat with us").click()
        chat.locator("textarea").fill(HOSTILE)
        chat.locator("textarea").press("Enter")
        chat.locator("li.message.bot").nth(1).wait_for(timeout=20000)
        chat.get_by_role("button", name="Talk to a person").click()
        chat.get_by_text("asked a staff member").wait_for(timeout=20000)

        staff = watch(browser.new_page())
        sign_in(staff, url, staff_email)
        staff.get_by_role("row").filter(has_text="window.__xss").get_by_role(
            "link", name="Open").click()
        staff.get_by_role("button", name="Take over").click()
        chat.get_by_text("has joined the chat").wait_for(timeout=10000)
        for path in ("/console/", "/console/training/?reason=handed_off",
                     "/console/training/audit", "/console/knowledge/?q=overstay",
                     staff.url.replace(url, "") + "?q=overstay fine"):
            staff.goto(url + path)
            assert staff.evaluate("window.__xss") is None, path
            assert staff.locator("img[src=x]").count() == 0, path
        assert HOSTILE in staff.locator("main").inner_text()  # shown as text
        assert staff.locator("article.kb-card", has_text=HOSTILE).count() == 1  # the article
        screenshot(staff, "console-hostile-text-escaped")
        assert user.evaluate("window.__xss") is None
        assert chat.locator("img[src=x]").count() == 0
        assert chat.locator("li.message.user .text").first.inner_text() == HOSTILE
        screenshot(user, "widget-hostile-text-escaped")
        assert violations == []


@pytest.mark.parametrize("odd", [2**31, 2**64, "a%00b"])
def test_console_urls_with_ids_no_database_holds_are_not_found(app_without_rasa, odd):
    """An id beyond PostgreSQL's INTEGER, or a NUL in a path, is a 404 on every console page
    (both answered 500 on PostgreSQL); a NUL in a search is a 400."""
    client = signed_in_client(app_without_rasa, ADMIN)
    token = csrf_token(client, "/console/login")
    for rule in app_without_rasa.url_map.iter_rules():
        if not rule.rule.startswith("/console") or not rule.arguments:
            continue
        url = re.sub(r"<(?:\w+:)?\w+>", str(odd), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, data={"csrf_token": token})
            if isinstance(odd, int) and "<int:" not in rule.rule and "%00" not in url:
                assert response.status_code < 500, f"{method} {url}"
            else:
                assert response.status_code == 404, f"{method} {url}"
    assert client.get("/console/history/?q=%00").status_code == 400
