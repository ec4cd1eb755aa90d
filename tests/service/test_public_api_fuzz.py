"""The whole public API: documented, fuzzed with free ids, and alike for every role.

Public is every route outside the staff console (/console/..., with training and reports):
the widget's chat API (/api), the rating page of answer e-mails (/rate) and the LINE
webhook (/channels). Each one is in the OpenAPI document or excluded below with a reason;
schemathesis sends requests generated from the document (path ids too) to all of them, on
SQLite and PostgreSQL; and visitors, staff, trainers and admins get the same answers.
"""

import json
import re
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core import NotSet
from schemathesis.core.result import Ok
from sqlalchemy import select

from assistant.api.openapi import SPEC
from assistant.extensions import db
from assistant.models import Conversation, Message, Rating, Sender
from tests.service.conftest import DATABASE_KINDS, empty_database, make_app
from tests.support.access import rating_path
from tests.support.console_helpers import csrf_token, signed_in_client
from tests.support.fake_line import SECRET, TOKEN, fake_line_server, fixture, sign

PUBLIC_URL = "https://assistant.example"
WEBHOOK = "/channels/line/webhook"
PUBLIC_PREFIXES = ("/api", "/rate", "/channels")
# Public routes deliberately left out of the OpenAPI document.
UNDOCUMENTED = {
    "/": "the demo page: static HTML with the widget embedded, no API",
    "/webchat/widget.js": "the widget's script (webchat/widget/*.js served as one file)",
    "/webchat/<path:filename>": "the widget's static files (widget.css, page styles)",
    "/static/<path:filename>": "Flask's default static folder; the service has none",
    "/api/model": "the accepted model, for the Rasa servers' model pulling (MODEL_SERVER_TOKEN)",
}
# Ids no handler expects, besides the ones hypothesis makes up.
ODD_IDS = ["0", "-1", str(2**63), "9" * 400, "x" * 5000, "é" * 40, "ข้อความ", "🙂",
           "\x00", "a\x00b", "%00", "' OR '1'='1", " ", "\t\n"]
ODD_NUMBERS = [0, -1, 2**31, 2**63, -(2**63), 10**30]
STAFF, TRAINER, ADMIN = "staff", "trainer", "admin"
QUESTION = "How do I do the 90-day report?"


@pytest.fixture(scope="module", params=DATABASE_KINDS)
def public_app(request, servers, knowledge_dir, tmp_path_factory):
    """The service with a LINE channel (talking to a fake LINE API) on each database kind."""
    with empty_database(request.param, tmp_path_factory) as url, \
            fake_line_server() as (_, line_api):
        yield make_app(url, servers.rasa.base_url, servers.actions_url, knowledge_dir,
                       line_channel_secret=SECRET, line_channel_access_token=TOKEN,
                       line_api_url=line_api, public_url=PUBLIC_URL, stream_seconds=0.2)


def served_operations(app):
    """``{(path template, METHOD): rule}`` of every public route."""
    return {(re.sub(r"<(?:\w+:)?\w+>", "{}", rule.rule), method): rule.rule
            for rule in app.url_map.iter_rules() if not rule.rule.startswith("/console")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def documented_operations(spec):
    return {(re.sub(r"\{\w+\}", "{}", path), method.upper())
            for path, item in spec["paths"].items() for method in item if method != "parameters"}


def test_every_public_route_is_documented_or_excluded_with_a_reason(public_app):
    spec = public_app.test_client().get("/api/openapi.json").get_json()
    served, documented = served_operations(public_app), documented_operations(spec)
    missing = {f"{method} {rule}" for (path, method), rule in served.items()
               if (path, method) not in documented and rule not in UNDOCUMENTED}
    assert missing == set()
    assert documented - set(served) == set()  # nothing documented that is not served
    assert set(UNDOCUMENTED) <= set(served.values())  # no stale exclusion
    assert {"/api/health", "/api/conversations/{id}/events", "/rate/{token}",
            WEBHOOK} <= set(spec["paths"])


def start_chat(client, kind):
    """A conversation in one of the states a handler must cope with; returns its id."""
    conversation = client.post("/api/conversations").get_json()["id"]
    if kind == "closed":
        client.post(f"/api/conversations/{conversation}/close")
    elif kind == "waiting":
        client.post(f"/api/conversations/{conversation}/messages",
                    json={"payload": "/ask_human"})
    elif kind in ("answered", "asked"):
        client.post(f"/api/conversations/{conversation}/messages", json={"text": QUESTION})
    if kind == "asked":  # closed after a question: asked how satisfied the user is
        client.post(f"/api/conversations/{conversation}/close")
    return conversation


def knowledge_answers(client, conversation):
    """Ids of the conversation's bot replies that users may vote on (``client`` started it)."""
    replies = client.get(f"/api/conversations/{conversation}/messages").get_json()
    return [reply["id"] for reply in replies["replies"] if reply["article_ids"]]


def needs_token(operation):
    """The operation reads, exports or erases a chat: its access token is required."""
    return "security" in SPEC["paths"][operation.path][operation.method.lower()]


def generated_cases(operation, mode, real):
    """Strategies for cases of ``operation``: path ids made up from the document's schema,
    real ones (``real``: path parameters naming stored things) and odd ones, each with its
    own examples so that generated bodies reach the handlers of stored things too. (An
    ``anyOf`` of an enum of real ids and a free string would not do: it simplifies to the
    free string.)"""
    names = {parameter.name for parameter in operation.path_parameters}
    if not names:
        return [operation.as_strategy(mode)]
    odd: dict[str, list[object]] = {"id": [*ODD_IDS], "token": [*ODD_IDS],
                                    "message_id": [*ODD_NUMBERS, *ODD_IDS]}
    real_paths = st.sampled_from([path for path in real if set(path) == names])
    odd_paths = st.fixed_dictionaries({name: st.sampled_from(odd[name]) for name in names})
    return [operation.as_strategy(mode), *(paths.flatmap(
        lambda path: operation.as_strategy(mode, path_parameters=path))
        for paths in (real_paths, odd_paths))]


def test_generated_requests_to_every_public_operation_never_answer_5xx(public_app):
    """Requests generated from the OpenAPI document (valid and invalid ones) for every
    operation, path ids included; none is answered with a 5xx.

    The rating form, the LINE webhook and the operations on a chat that need its access token
    refuse a generated request (no CSRF token of a session, no LINE signature, no access
    token); each one is then sent again with a real token, signed with the channel secret or
    with the chat's access token, so generated requests reach those handlers too.
    """
    client = public_app.test_client()
    new, closed, waiting, answered, asked = (
        start_chat(client, kind) for kind in ("new", "closed", "waiting", "answered", "asked"))
    answers = knowledge_answers(client, answered)
    assert answers, "the 90-day question got no knowledge answer"
    tokens = client.tokens  # the access token of each chat started above
    rating_link = rating_path(public_app, start_chat(client, "asked"))  # never erased here
    real = [*({"id": chat} for chat in (new, closed, waiting, answered, asked)),
            *({"id": answered, "message_id": answer} for answer in answers),
            {"id": answered, "message_id": answers[0] - 1},  # the user's own message
            {"id": new, "message_id": answers[0]},  # another chat's answer
            *({"id": answered, "message_id": number} for number in ODD_NUMBERS),
            {"token": rating_link.split("/")[-1]}]
    schema = schemathesis.openapi.from_dict(client.get("/api/openapi.json").get_json())
    schema.app = public_app
    rater = public_app.test_client()  # a visitor who opened the rating page: session, token
    form_token = csrf_token(rater, rating_link)
    failures, statuses = [], set()

    def send(case, how="", **kwargs):
        try:
            response = case.call(**kwargs)
        except Exception as error:  # noqa: BLE001 - the app raised: a 500 in production
            failures.append(f"{case.method} {case.formatted_path} {how}: {error!r:.300}")
            return None
        statuses.add((case.method, case.operation.path, how, response.status_code))
        if response.status_code >= 500:
            failures.append(f"{case.method} {case.formatted_path} {how}: "
                            f"{response.status_code} {response.text[:300]}")
        return response.status_code

    def check(case):
        status = send(case)
        if case.operation.path == WEBHOOK:
            assert status == 400, "a webhook without LINE's signature"
            if not isinstance(case.body, NotSet):
                raw = case.body if isinstance(case.body, bytes) \
                    else json.dumps(case.body, ensure_ascii=False).encode()
                case.headers = {**(case.headers or {}), "X-Line-Signature":
                                sign(raw.decode("utf-8", "replace"))}  # the text it reads
                case.body = raw
                send(case, "signed")
        elif case.operation.path == "/rate/{token}" and case.method == "POST":
            assert status == 400, "a rating form without the session's CSRF token"
            if isinstance(case.body, dict):
                case.body = {**case.body, "csrf_token": form_token}
                send(case, "with CSRF token", session=rater)
        elif needs_token(case.operation) and (case.path_parameters or {}).get("id") in tokens:
            token = tokens[case.path_parameters["id"]]
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            send(case, "with access token")

    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # the document itself is valid
        operations.append(result.ok())
    # As written (chats are closed after their messages), not as served (keys sorted);
    # erasure last.
    written = list(SPEC["paths"])
    for operation in sorted(operations, key=lambda operation: (
            operation.method == "delete", written.index(operation.path))):
        modes = [GenerationMode.POSITIVE]
        if operation.body or operation.query:  # invalid ones too (a free string id is
            modes.append(GenerationMode.NEGATIVE)  # never invalid: odd ids stand in)
        for mode in modes:
            for cases in generated_cases(operation, mode, real):
                @settings(max_examples=15, deadline=None, database=None, derandomize=True,
                          suppress_health_check=list(HealthCheck))
                @given(case=cases)
                def generated(case):
                    check(case)

                generated()
    assert not failures, "\n".join(sorted(set(failures)))
    reached = {(method, path, how) for method, path, how, status in statuses if status < 300}
    assert {("POST", "/api/conversations/{id}/messages", ""),
            ("POST", "/api/conversations/{id}/satisfaction", ""),
            ("POST", "/api/conversations/{id}/messages/{message_id}/feedback", ""),
            ("GET", "/api/conversations/{id}/messages", "with access token"),
            ("GET", "/api/conversations/{id}/events", "with access token"),
            ("GET", "/api/conversations/{id}/export", "with access token"),
            ("GET", "/api/conversations/{id}/transcript", "with access token"),
            ("DELETE", "/api/conversations/{id}", "with access token"),
            ("POST", "/rate/{token}", "with CSRF token"),
            ("POST", WEBHOOK, "signed")} <= reached  # generated requests reach the handlers


def user_texts(app, conversation):
    with app.app_context():
        return db.session.scalars(select(Message.text).where(
            Message.conversation_id == conversation, Message.sender == Sender.USER)
            .order_by(Message.id)).all()


def test_what_postgresql_cannot_store_or_find_is_refused_or_cleaned(public_app):
    """5xx the generated requests found on PostgreSQL: a NUL character in a path id or in a
    message, message ids beyond its 32-bit INTEGER; and signed bodies without LINE's shape."""
    client = public_app.test_client()
    chat = start_chat(client, "answered")
    for method, path in [("GET", "/api/conversations/%00/messages"),
                         ("GET", "/api/conversations/a%00b/events"),
                         ("GET", "/api/conversations/%00/export"),
                         ("POST", "/api/conversations/%00/close"),
                         ("POST", "/api/conversations/%00/satisfaction"),
                         ("POST", "/api/conversations/%00/messages/1/feedback"),
                         ("DELETE", "/api/conversations/a%00b")]:
        response = client.open(path, method=method, json={"level": 5, "helpful": True})
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "unknown_conversation", path
    for after in (2**31, 2**63 - 1):
        later = client.get(f"/api/conversations/{chat}/messages?after={after}")
        assert later.status_code == 200 and later.get_json()["replies"] == []
    vote = client.post(f"/api/conversations/{chat}/messages/{2**31}/feedback",
                       json={"helpful": True})
    assert vote.status_code == 404 and vote.get_json()["error"]["code"] == "unknown_message"
    sent = client.post(f"/api/conversations/{chat}/messages", json={"text": "thank\x00 you"})
    assert sent.status_code == 200
    assert user_texts(public_app, chat)[-1] == "thank you"

    user = "U" + uuid.uuid4().hex
    body = fixture("text_message", text="hello\x00 there", user_id=user,
                   event_id=uuid.uuid4().hex[:26], reply_token=uuid.uuid4().hex,
                   message_id="1234567890")
    assert client.post(WEBHOOK, data=body, content_type="application/json",
                       headers={"X-Line-Signature": sign(body)}).status_code == 200
    worker = public_app.test_cli_runner().invoke(args=["jobs", "work"])  # the event's job
    assert worker.exit_code == 0, worker.output
    with public_app.app_context():
        line_chat = db.session.scalar(select(Conversation.id).where(
            Conversation.external_user_id == user))
    assert user_texts(public_app, line_chat) == ["hello there"]
    for body in ("{}", "[]", '{"events": null}', '{"events": [{}]}', '{"events": [1]}'):
        refused = client.post(WEBHOOK, data=body, content_type="application/json",
                              headers={"X-Line-Signature": sign(body)})
        assert refused.status_code == 400, body
        assert refused.get_json()["error"]["code"] == "invalid_body", body


def rating_of(app, conversation):
    with app.app_context():
        return db.session.scalar(select(Rating.level).where(
            Rating.conversation_id == conversation))


def public_routes(app):
    """``{rule: methods}`` under /api, /rate and /channels (one rule may be two, by method)."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PUBLIC_PREFIXES):
            routes.setdefault(rule.rule, set()).update(rule.methods)
    return routes


def public_outcomes(app, client):
    """Every method on every public route, in an order that reaches each handler; yields
    ``(label, route, method, status)`` and checks what the answers carry on the way."""
    created = client.post("/api/conversations")
    yield "start", "/api/conversations", "POST", created.status_code
    chat = created.get_json()["id"]
    url = f"/api/conversations/{chat}"
    asked = client.post(f"{url}/messages", json={"text": QUESTION})
    yield "ask", "/api/conversations/<conversation_id>/messages", "POST", asked.status_code
    answer = next(reply["id"] for reply in asked.get_json()["replies"] if reply["article_ids"])
    for route, path in [("/api/conversations/<conversation_id>/messages", f"{url}/messages"),
                        ("/api/conversations/<conversation_id>/events", f"{url}/events"),
                        ("/api/conversations/<conversation_id>/export", f"{url}/export"),
                        ("/api/conversations/<conversation_id>/transcript",
                         f"{url}/transcript"),
                        ("/api/health", "/api/health"), ("/api/openapi.json", "/api/openapi.json"),
                        ("/api/site", "/api/site")]:
        yield "read", route, "GET", client.get(path).status_code
    voted = client.post(f"{url}/messages/{answer}/feedback", json={"helpful": True})
    yield ("vote", "/api/conversations/<conversation_id>/messages/<message_id>/feedback", "POST",
           voted.status_code)
    client.post(f"{url}/messages", json={"payload": "/ask_human"})
    yield "back to the assistant", "/api/conversations/<conversation_id>/back-to-assistant", \
        "POST", client.post(f"{url}/back-to-assistant").status_code
    yield "close", "/api/conversations/<conversation_id>/close", "POST", \
        client.post(f"{url}/close").status_code
    rated = client.post(f"{url}/satisfaction", json={"level": 5})
    yield "rate", "/api/conversations/<conversation_id>/satisfaction", "POST", rated.status_code

    rate, forged = rating_path(app, chat), "/rate/" + "x" * 40
    yield "open the rating link", "/rate/<token>", "GET", client.get(rate).status_code
    yield "open a forged link", "/rate/<token>", "GET", client.get(forged).status_code
    refused = client.post(rate, data={"level": "1"})
    assert "The CSRF token is missing" in refused.get_data(as_text=True)
    assert rating_of(app, chat) == 5  # not changed
    yield "rate by link without CSRF token", "/rate/<token>", "POST", refused.status_code
    token = csrf_token(client, rate)
    yield "rate by a forged link", "/rate/<token>", "POST", \
        client.post(forged, data={"level": "1", "csrf_token": token}).status_code
    yield "rate by link", "/rate/<token>", "POST", \
        client.post(rate, data={"level": "2", "csrf_token": token}).status_code
    assert rating_of(app, chat) == 2

    body = fixture("follow", user_id="U" + uuid.uuid4().hex, event_id=uuid.uuid4().hex[:26],
                   reply_token=uuid.uuid4().hex)  # a user follows the account
    for label, headers in [("unsigned", {}), ("forged signature", {"X-Line-Signature":
                                                                   sign(body, "not the secret")}),
                           ("signed", {"X-Line-Signature": sign(body)})]:
        response = client.post(WEBHOOK, data=body, content_type="application/json",
                               headers=headers)
        assert "Set-Cookie" not in response.headers
        yield f"LINE webhook, {label}", WEBHOOK, "POST", response.status_code

    yield "pull the model (no model server)", "/api/model", "GET", \
        client.get("/api/model").status_code

    erased = client.delete(url)
    yield "erase", "/api/conversations/<conversation_id>", "DELETE", erased.status_code
    yield "open the rating link of an erased chat", "/rate/<token>", "GET", \
        client.get(rate).status_code
    for response in (created, asked, voted, rated, erased):
        assert "Set-Cookie" not in response.headers  # the API neither sets nor needs cookies
    for route, methods in public_routes(app).items():  # the methods a route does not have
        for method in sorted({"GET", "POST", "DELETE"} - methods):
            path = re.sub(r"<(?:\w+:)?\w+>", "1", route)
            yield "wrong method", route, method, client.open(path, method=method).status_code


EXPECTED = {"start": 201, "open a forged link": 404, "rate by link without CSRF token": 400,
            "rate by a forged link": 404, "LINE webhook, unsigned": 400,
            "LINE webhook, forged signature": 400, "open the rating link of an erased chat": 404,
            "pull the model (no model server)": 404, "wrong method": 405}  # all others: 200


@pytest.mark.parametrize("role", [None, STAFF, TRAINER, ADMIN])
def test_public_routes_answer_every_role_alike(public_app, role):
    """Each method of each route under /api, /rate and /channels, as a visitor or signed in:
    the same answers whatever the role, and the signed ones refuse unsigned requests."""
    client = signed_in_client(public_app, role)
    outcomes = list(public_outcomes(public_app, client))
    unexpected = [(label, method, route, status) for label, route, method, status in outcomes
                  if status != EXPECTED.get(label, 200)]
    assert unexpected == []
    exercised = {(route, method) for _, route, method, _ in outcomes}
    assert exercised == {(route, method) for route in public_routes(public_app)
                         for method in ("GET", "POST", "DELETE")}


def test_widget_api_is_open_to_any_origin_but_grants_nothing_to_cookies(public_app):
    """Designed that way: the widget is embedded on other sites, so the API answers any origin
    (CORS ``*``, never with credentials) and is CSRF-exempt; it reads no cookie, so a
    forged cross-site request can do no more than anyone may. Requests are limited per
    client address (and messages per conversation); monitors' routes are exempt."""
    staff = signed_in_client(public_app, STAFF)
    origin = {"Origin": "https://elsewhere.example"}
    preflight = staff.options("/api/conversations", headers={
        **origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    created = staff.post("/api/conversations", headers=origin)
    assert created.status_code == 201
    chat = created.get_json()["id"]
    closed = staff.post(f"/api/conversations/{chat}/close", headers=origin)
    for response in (preflight, created, closed):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert "Set-Cookie" not in response.headers
    for response in (created, closed):
        assert "X-RateLimit-Limit" in response.headers
    for path in ("/api/health", "/api/openapi.json"):
        assert "X-RateLimit-Limit" not in staff.get(path).headers
