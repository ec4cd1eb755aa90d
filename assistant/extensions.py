"""Flask extensions, created once and bound to the app in the factory."""

from typing import Any

import redis
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base class of the typed models."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# Redis connections per process and pool. Under the gevent worker hundreds of requests run
# at once: beyond this many, a request waits (up to REDIS_WAIT_SECONDS) for a free connection
# instead of failing as redis-py's default pool (100 connections) then does.
REDIS_CONNECTIONS = 50
REDIS_WAIT_SECONDS = 10


def redis_pool(url: str) -> redis.BlockingConnectionPool:
    """A pool of connections to the Redis at ``url`` whose users wait for a free one."""
    return redis.BlockingConnectionPool.from_url(url, max_connections=REDIS_CONNECTIONS,
                                                 timeout=REDIS_WAIT_SECONDS)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite only: write-ahead log, full durability, enforced foreign keys.

    With the log, a commit costs one fsync and readers never block the writer.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
