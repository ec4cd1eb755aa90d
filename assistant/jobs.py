"""The job table as a queue: enqueue in the web process, claim and run in the worker.

Why a table and not a broker: the service already has a durable, transactional store (SQLite
by default, PostgreSQL when scaled), so jobs survive restarts with no Redis or RabbitMQ to
run, and a job is queued in the same transaction as the record it belongs to.

Claiming is one conditional ``UPDATE ... WHERE state = 'queued'`` per job: of two workers
racing for a row exactly one gets ``rowcount == 1`` (PostgreSQL re-checks the condition
after the other's lock; SQLite runs one writer at a time). Jobs with a ``lane`` run one at a
time per lane (one training run; one LINE user's events in order): the claim skips a lane
that has a running job, and a partial unique index refuses a second one whatever races.
While a job runs, its worker refreshes ``locked_at`` (heartbeat); a running job whose
heartbeat is older than ``JOB_STALE_SECONDS`` (its worker was killed) is queued again, up to
``MAX_ATTEMPTS`` attempts. The workers of several hosts share the jobs this way, with no
other lock (docs/operations.md, "Background jobs across hosts").
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from typing import Any, Callable, Mapping, Optional

from flask import Flask, current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from assistant.extensions import db
from assistant.models import Job, JobState, utcnow

MAX_ATTEMPTS = 3
DEFAULT_STALE_SECONDS = 60.0
Handler = Callable[[Job], None]


def stale_after() -> dt.timedelta:
    """How long a running job may go without a heartbeat (``JOB_STALE_SECONDS``)."""
    return dt.timedelta(seconds=float(current_app.config.get("JOB_STALE_SECONDS")
                                      or DEFAULT_STALE_SECONDS))


def worker_name() -> str:
    """The name of this process in ``locked_by``: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def enqueue(kind: str, payload: Mapping[str, Any], key: Optional[str] = None,
            lane: Optional[str] = None, commit: bool = True) -> Optional[Job]:
    """Queue a job; None if a job with ``key`` was queued before (then nothing is added).

    With ``commit=False`` the job is only added to the session: the caller commits it with
    the record it belongs to (one transaction).
    """
    if key is not None and db.session.scalar(select(Job.id).where(Job.key == key)) is not None:
        return None
    job = Job(kind=kind, payload=dict(payload), key=key, lane=lane, state=JobState.QUEUED,
              attempts=0, run_after=utcnow())
    db.session.add(job)
    if commit:
        try:
            db.session.commit()
        except IntegrityError:  # the same key, queued at the same moment by another request
            db.session.rollback()
            return None
    return job


def requeue_stale(now: Optional[dt.datetime] = None) -> int:
    """Queue again the jobs whose worker stopped (no heartbeat); give up after MAX_ATTEMPTS."""
    cutoff = (now or utcnow()) - stale_after()
    stale = (Job.state == JobState.RUNNING, Job.locked_at < cutoff)
    note = "the worker stopped during the job"
    failed = db.session.execute(
        update(Job).where(*stale, Job.attempts >= MAX_ATTEMPTS)
        .values(state=JobState.FAILED, locked_by=None, locked_at=None,
                finished_at=utcnow(), error=f"{note} {MAX_ATTEMPTS} times; given up")
        .execution_options(synchronize_session=False))
    queued = db.session.execute(
        update(Job).where(*stale, Job.attempts < MAX_ATTEMPTS)
        .values(state=JobState.QUEUED, locked_by=None, locked_at=None,
                error=f"{note}; queued again")
        .execution_options(synchronize_session=False))
    db.session.commit()
    return int(getattr(queued, "rowcount", 0) or 0) + int(getattr(failed, "rowcount", 0) or 0)


def claim(worker: str, kinds: Optional[set[str]] = None) -> Optional[int]:
    """Take the oldest queued job this worker may run now; its id, or None."""
    now = utcnow()
    query = select(Job.id).where(Job.state == JobState.QUEUED, Job.run_after <= now)
    if kinds is not None:
        query = query.where(Job.kind.in_(kinds))
    candidates = list(db.session.scalars(query.order_by(Job.id).limit(50)))
    db.session.rollback()  # end the read before writing (SQLite: no lock upgrade)
    running = aliased(Job)
    busy_lanes = select(running.lane).where(running.state == JobState.RUNNING,
                                            running.lane.is_not(None))
    for job_id in candidates:
        try:
            result = db.session.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == JobState.QUEUED,
                       or_(Job.lane.is_(None), Job.lane.not_in(busy_lanes)))
                .values(state=JobState.RUNNING, locked_by=worker, locked_at=now,
                        attempts=Job.attempts + 1)
                .execution_options(synchronize_session=False))
            db.session.commit()
        except IntegrityError:  # another worker started a job of this lane just now
            db.session.rollback()
            continue
        if getattr(result, "rowcount", 0) == 1:
            return job_id
    return None


class _Heartbeat:
    """Refreshes a running job's ``locked_at`` from a thread of its own connection."""

    def __init__(self, app: Flask, job_id: int, worker: str, every: float) -> None:
        self.app, self.job_id, self.worker, self.every = app, job_id, worker, every
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        with self.app.app_context():
            while not self.stopped.wait(self.every):
                try:
                    with db.engine.begin() as connection:
                        connection.execute(
                            update(Job).where(Job.id == self.job_id,
                                              Job.locked_by == self.worker)
                            .values(locked_at=utcnow()))
                except Exception:  # noqa: BLE001 - the next beat tries again
                    current_app.logger.exception("job %s: heartbeat failed", self.job_id)


def _finish(job_id: int, worker: str, state: JobState, error: Optional[str]) -> None:
    db.session.execute(
        update(Job).where(Job.id == job_id, Job.locked_by == worker)
        .values(state=state, error=error, finished_at=utcnow(), locked_by=None)
        .execution_options(synchronize_session=False))
    db.session.commit()


def run(job_id: int, handlers: Mapping[str, Handler], worker: str) -> JobState:
    """Run a claimed job with the handler of its kind; done, or failed with the error."""
    job = db.session.get(Job, job_id)
    assert job is not None
    handler = handlers.get(job.kind)
    if handler is None:
        _finish(job_id, worker, JobState.FAILED, f"no handler for jobs of kind {job.kind!r}")
        return JobState.FAILED
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    every = max(stale_after().total_seconds() / 4, 0.2)
    with _Heartbeat(app, job_id, worker, every):
        try:
            handler(job)
        except Exception as error:  # noqa: BLE001 - a failed job is recorded, the worker lives
            db.session.rollback()
            current_app.logger.exception("job %s (%s) failed", job_id, job.kind)
            _finish(job_id, worker, JobState.FAILED, f"{type(error).__name__}: {error}"[:2000])
            return JobState.FAILED
    _finish(job_id, worker, JobState.DONE, None)
    return JobState.DONE


def work(handlers: Mapping[str, Handler], worker: Optional[str] = None) -> int:
    """Queue stale jobs again, then run queued jobs until none may run now; how many ran."""
    name = worker or worker_name()
    requeue_stale()
    done = 0
    while (job_id := claim(name, set(handlers))) is not None:
        run(job_id, handlers, name)
        db.session.remove()
        done += 1
    return done
