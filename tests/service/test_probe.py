"""The availability probe against a real Rasa and action server: Rasa stopped for a while
is one incident (start, end, the failed part) and lowers availability; the probe's chats
never reach the figures; its key lifts the per-address limit on new chats."""

import signal

from sqlalchemy import func, select

from assistant.chat.probe import HEADER, look, probe_key
from assistant.extensions import db
from assistant.models import Conversation, ProbeResult
from assistant.reports.availability import availability
from assistant.reports.periods import choose
from common.thai_calendar import bangkok_today
from scripts.servers import assistant_servers
from tests.service.conftest import make_app
from tests.support.local_server import serving


def test_stopping_rasa_is_an_incident_and_lowers_availability(tmp_path):
    with assistant_servers(log_dir=tmp_path) as running:
        app = make_app(f"sqlite:///{tmp_path / 'probe.db'}", running.rasa.base_url,
                       running.actions_url)
        with serving(app) as url, app.app_context():
            up = [look(url) for _ in range(2)]
            running.rasa_process.send_signal(signal.SIGKILL)
            running.rasa_process.wait(timeout=10)
            down = [look(url) for _ in range(2)]
            assert running.restart is not None
            running.restart(0)
            again = [look(url) for _ in range(2)]

            assert [r.ok for r in up + down + again] == [True, True, False, False, True, True]
            assert {r.failed_part for r in down} == {"rasa"}
            assert all(r.latency_ms and r.latency_ms > 0 for r in up + again)
            today = bangkok_today()
            figures = availability(choose(kind="range", first=today, last=today))
            assert figures.looks == 6 and str(figures.percent) == "66.67"  # 4 of 6
            [incident] = figures.incidents
            assert (incident.start, incident.end, incident.looks, incident.parts) == (
                down[0].checked_at, again[0].checked_at, 2, ("rasa",))
            assert 0 < (figures.p50_ms or 0) <= (figures.p95_ms or 0)
            assert db.session.scalar(select(func.count(Conversation.id))) == 0
            assert db.session.scalar(select(func.count(ProbeResult.id))) == 6


def test_the_probe_key_lifts_the_limit_on_new_chats(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'limit.db'}", "http://127.0.0.1:9", "http://127.0.0.1:9",
                   rate_limit_new_conversation="1 per hour")
    client = app.test_client()
    assert client.post("/api/conversations").status_code == 201
    assert client.post("/api/conversations").status_code == 429
    key = {HEADER: probe_key("test")}
    assert all(client.post("/api/conversations", headers=key).status_code == 201
               for _ in range(3))
    assert client.post("/api/conversations", headers={HEADER: "wrong"}).status_code == 429
