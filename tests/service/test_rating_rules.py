"""Who may rate: only a chat that was asked the satisfaction question (or the signed link of
an answer e-mail), and new chats are limited per client, so a script cannot move the KPI."""

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from assistant.extensions import db
from assistant.models import Message
from common.thai_calendar import BANGKOK
from tests.service.conftest import NO_RASA, make_app

RATING = '/rate_satisfaction{"satisfaction_level": 5}'
KPI = ("responses", "satisfied_or_better", "rate_percent", "levels")


@pytest.fixture(scope="module")
def rating_app(servers, knowledge_dir, tmp_path_factory):
    database = tmp_path_factory.mktemp("db") / "ratings.db"
    return make_app(f"sqlite:///{database}", servers.rasa.base_url, servers.actions_url,
                    knowledge_dir)


def kpi_today(app):
    """Today's KPI figures (``flask report --json``)."""
    today = dt.datetime.now(BANGKOK).date().isoformat()
    result = app.test_cli_runner().invoke(args=["report", "--from", today, "--to", today,
                                                "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    return {name: figures[name] for name in KPI}


def test_a_script_rating_chats_never_asked_is_refused_and_the_kpi_stays(rating_app):
    client = rating_app.test_client()
    before = kpi_today(rating_app)
    for _ in range(3):
        chat = client.post("/api/conversations").get_json()["id"]
        api = f"/api/conversations/{chat}"
        refused = [client.post(f"{api}/satisfaction", json={"level": 5}),
                   client.post(f"{api}/messages", json={"payload": RATING}),
                   client.post(f"{api}/messages", json={"text": RATING})]
        assert [r.status_code for r in refused] == [409, 409, 409]
        assert {r.get_json()["error"]["code"] for r in refused} == {"not_asked"}
        closed = client.post(f"{api}/close").get_json()  # nothing said: nothing to rate
        assert closed["state"] == "closed" and closed["replies"] == []
        assert client.post(f"{api}/satisfaction", json={"level": 5}).status_code == 409
        with rating_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Message)
                                     .where(Message.conversation_id == chat)) == 0
    assert kpi_today(rating_app) == before

    # A user who chatted and was asked still rates, in the chat and by its button.
    chat = client.post("/api/conversations").get_json()["id"]
    api = f"/api/conversations/{chat}"
    assert client.post(f"{api}/messages", json={"text": "hello"}).status_code == 200
    asked = client.post(f"{api}/close").get_json()["replies"]
    assert len(asked[0]["buttons"]) == 5
    assert client.post(f"{api}/messages",
                       json={"payload": asked[0]["buttons"][3]["payload"]}).status_code == 200
    after = kpi_today(rating_app)
    assert after["responses"] == before["responses"] + 1
    assert after["levels"]["2"] == before["levels"]["2"] + 1


def test_new_conversations_are_limited_per_client_address(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'limit.db'}", NO_RASA, NO_RASA,
                   rate_limit_new_conversation="3 per hour")
    client = app.test_client()
    statuses = [client.post("/api/conversations").status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = client.post("/api/conversations")
    assert limited.get_json()["error"]["code"] == "too_many_requests"
    other = client.post("/api/conversations", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 201  # another client address has its own allowance
