"""With Rasa and the action server unreachable nothing is lost and the user is told."""

import re

import pytest
from sqlalchemy import select

from assistant.extensions import db
from assistant.models import Message
from scripts.servers import free_port
from tests.service.conftest import make_app

THAI = re.compile(r"[\u0E00-\u0E7F]")


@pytest.fixture
def offline_client(database_url):
    dead = f"http://127.0.0.1:{free_port()}"
    app = make_app(database_url, dead, dead)
    return app, app.test_client()


def test_message_is_kept_and_user_gets_a_polite_thai_reply(offline_client):
    app, client = offline_client
    conversation = client.post("/api/conversations").get_json()["id"]
    response = client.post(f"/api/conversations/{conversation}/messages",
                           json={"text": "ต่อวีซ่าได้ที่ไหนคะ"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["state"] == "waiting_for_staff" and body["language"] == "th"
    assert THAI.search(body["replies"][0]["text"])
    with app.app_context():
        texts = db.session.scalars(select(Message.text).where(
            Message.conversation_id == conversation).order_by(Message.id)).all()
    assert texts[0] == "ต่อวีซ่าได้ที่ไหนคะ"


def test_health_names_the_failing_parts(offline_client):
    _, client = offline_client
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["rasa", "action_server"]


def test_the_web_scope_of_health_asks_only_the_database(offline_client):
    """The load balancer's check: with Rasa down the host still serves (apology, console)."""
    _, client = offline_client
    response = client.get("/api/health?scope=web")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "failing": []}
