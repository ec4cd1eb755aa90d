"""Killing the Rasa process in the middle of a chat: nothing is lost, the user is told."""

import re
import signal

from sqlalchemy import select

from assistant.extensions import db
from assistant.models import Message
from scripts.servers import assistant_servers
from tests.service.conftest import make_app

THAI = re.compile(r"[\u0E00-\u0E7F]")


def test_kill_rasa_mid_chat(tmp_path):
    with assistant_servers() as running:
        app = make_app(f"sqlite:///{tmp_path / 'kill.db'}", running.rasa.base_url,
                       running.actions_url)
        client = app.test_client()
        conversation = client.post("/api/conversations").get_json()["id"]
        url = f"/api/conversations/{conversation}/messages"
        answered = client.post(url, json={"text": "ต่อวีซ่าได้ที่ไหนคะ"}).get_json()
        assert answered["replies"][0]["topic"] == "visa"

        running.rasa_process.send_signal(signal.SIGKILL)
        running.rasa_process.wait(timeout=10)

        after_kill = client.post(url, json={"text": "แล้วต้องใช้เอกสารอะไรบ้างคะ"})
        assert after_kill.status_code == 200
        body = after_kill.get_json()
        assert body["state"] == "waiting_for_staff"
        assert THAI.search(body["replies"][0]["text"])
        assert client.get("/api/health").get_json()["failing"] == ["rasa"]
        with app.app_context():
            user_texts = db.session.scalars(select(Message.text).where(
                Message.conversation_id == conversation, Message.sender == "user")
                .order_by(Message.id)).all()
        assert user_texts == ["ต่อวีซ่าได้ที่ไหนคะ", "แล้วต้องใช้เอกสารอะไรบ้างคะ"]
