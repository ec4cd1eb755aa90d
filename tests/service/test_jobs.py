"""Long work off the request path: the jobs table and the worker process (``flask jobs work``).

The LINE webhook answers 200 at once and the worker answers the user; a worker killed in the
middle of a training run is restarted and the run completes exactly once; training runs
never overlap.
"""

import os
import signal
import subprocess
import time
import uuid

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from assistant import jobs
from assistant.extensions import db
from assistant.models import Job, JobState, TrainingRun, TrainingStatus
from assistant.training import pipeline
from scripts.servers import ROOT, SERVICE_BIN
from tests.service.conftest import make_app
from tests.support.fake_line import SECRET, TOKEN, fake_line_server, fixture, sign
from tests.support.fake_services import fake_rasa_cli, fake_rasa_server

WEBHOOK = "/channels/line/webhook"
UNUSED_URL = "http://127.0.0.1:9"


def run_worker(app):
    """One round of ``flask jobs work`` in this process: every job that may run now."""
    result = app.test_cli_runner().invoke(args=["jobs", "work"])
    assert result.exit_code == 0, result.output
    return result.output


def all_jobs(app):
    with app.app_context():
        return [(j.kind, j.state, j.attempts) for j in db.session.scalars(
            select(Job).order_by(Job.id))]


def test_webhook_answers_at_once_and_the_worker_replies(tmp_path):
    with fake_rasa_server(delay=3.0) as (rasa, rasa_url), \
            fake_line_server() as (line, line_url):
        app = make_app(f"sqlite:///{tmp_path / 'line.db'}", rasa_url, UNUSED_URL,
                       line_channel_secret=SECRET, line_channel_access_token=TOKEN,
                       line_api_url=line_url)
        user = "U" + uuid.uuid4().hex
        body = fixture("text_message", text="How do I extend my visa?", event_id=uuid.uuid4().hex,
                       reply_token=uuid.uuid4().hex, message_id="1", user_id=user)
        client = app.test_client()
        began = time.monotonic()
        for _ in range(2):  # LINE redelivers: queued once
            response = client.post(WEBHOOK, data=body, content_type="application/json",
                                   headers={"X-Line-Signature": sign(body)})
            assert response.status_code == 200
        assert time.monotonic() - began < 1.5  # not waiting for the 3 s Rasa turn
        assert line.calls == [] and rasa.messages == []
        assert all_jobs(app) == [("line_event", JobState.QUEUED, 0)]

        assert "ran 1 job(s)" in run_worker(app)
        assert [m["text"] for m in line.sent("reply")] == ["A slow but sure answer."]
        assert [m["message"] for m in rasa.messages] == ["How do I extend my visa?"]
        assert all_jobs(app) == [("line_event", JobState.DONE, 1)]
        run_worker(app)
        assert len(line.sent("reply")) == 1  # done jobs are not run again


def start_worker(env):
    return subprocess.Popen(
        [str(SERVICE_BIN / "flask"), "--app", "assistant.app", "jobs", "work", "--every", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition, what, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def test_a_worker_killed_mid_training_is_restarted_and_the_run_completes_once(tmp_path):
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    rasa_cli = fake_rasa_cli(tmp_path)
    database = f"sqlite:///{tmp_path / 'jobs.db'}"
    with fake_rasa_server() as (rasa, rasa_url):
        app = make_app(database, rasa_url, UNUSED_URL, training_root=project,
                       training_rasa=str(rasa_cli))
        with app.app_context():
            run_id = pipeline.start(None).id
        env = {**os.environ, "DATABASE_URL": database, "RASA_URLS": rasa_url,
               "TRAINING_ROOT": str(project), "TRAINING_RASA": str(rasa_cli),
               "JOB_STALE_SECONDS": "2", "SECRET_KEY": "test", "PYTHONPATH": str(ROOT)}
        for name in ("REDIS_URL", "RATE_LIMIT_STORAGE", "LINE_CHANNEL_SECRET"):
            env.pop(name, None)
        hanging = tmp_path / "hanging.pid"
        worker = start_worker(env)
        restarted = None
        try:
            wait_for(hanging.exists, "the run to start")  # inside `rasa data validate`
            time.sleep(0.5)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            os.kill(int(hanging.read_text()), signal.SIGKILL)  # its orphaned rasa command
            with app.app_context():
                run = db.session.get(TrainingRun, run_id)
                assert run is not None and run.status == TrainingStatus.RUNNING
            restarted = start_worker(env)

            def finished():
                with app.app_context():
                    found = db.session.get(TrainingRun, run_id)
                    return found is not None and found.status not in pipeline.ACTIVE_STATES
            wait_for(finished, "the run to finish after the restart")
            wait_for(lambda: all_jobs(app)[0][1] == JobState.DONE, "the job to be done")
        finally:
            for process in (worker, restarted):
                if process is not None and process.poll() is None:
                    process.terminate()
                    process.wait(timeout=10)
        with app.app_context():
            run = db.session.get(TrainingRun, run_id)
            assert run is not None
            assert (run.status, run.step) == (TrainingStatus.ACTIVATED, "activated"), run.log
            assert "the previous attempt was cut off" in run.log
        assert all_jobs(app) == [("train", JobState.DONE, 2)]
        calls = (tmp_path / "calls.log").read_text().splitlines()
        assert calls.count("data validate") == 2 and calls.count("train --data") == 1
        assert len(rasa.loaded) == 1 and rasa.loaded[0].startswith(f"candidate-{run_id}-")


def test_training_runs_one_at_a_time(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'lanes.db'}", UNUSED_URL, UNUSED_URL,
                   training_root=tmp_path)
    with app.app_context():
        first = pipeline.start(None)
        with pytest.raises(pipeline.TrainingError):  # the console refuses a second run
            pipeline.start(None)
        # Two train jobs queued anyway (say two web workers raced): never both running.
        second = jobs.enqueue(pipeline.JOB_KIND, {"run": first.id, "margin": 2.0},
                              lane=pipeline.JOB_LANE)
        other = jobs.enqueue("other", {}, lane=None)
        assert second is not None and other is not None
        first_job = jobs.claim("worker-1")
        assert first_job is not None and first_job != second.id
        assert jobs.claim("worker-2", {pipeline.JOB_KIND}) is None  # the lane is busy
        assert jobs.claim("worker-2") == other.id  # other work goes on meanwhile
        with pytest.raises(IntegrityError):  # the index refuses it whatever races
            db.session.execute(update(Job).where(Job.id == second.id)
                               .values(state=JobState.RUNNING))
            db.session.commit()
        db.session.rollback()
        jobs.run(first_job, {pipeline.JOB_KIND: lambda job: None}, "worker-1")
        assert jobs.claim("worker-2") == second.id  # now the next one may run


def test_a_job_whose_worker_keeps_dying_is_given_up(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'stale.db'}", UNUSED_URL, UNUSED_URL,
                   job_stale_seconds=0.5)
    with app.app_context():
        job = jobs.enqueue("other", {})
        assert job is not None
        for attempt in range(1, jobs.MAX_ATTEMPTS + 1):
            assert jobs.claim("doomed") == job.id
            time.sleep(0.7)  # no heartbeat: its worker is gone
            jobs.requeue_stale()
            db.session.expire_all()
            found = db.session.get(Job, job.id)
            assert found is not None and found.attempts == attempt
            expected = JobState.FAILED if attempt == jobs.MAX_ATTEMPTS else JobState.QUEUED
            assert found.state == expected, found.error
        given_up = db.session.get(Job, job.id)
        assert given_up is not None and "given up" in (given_up.error or "")
