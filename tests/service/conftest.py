"""Web service fixtures: the app on SQLite and, when a server answers, on PostgreSQL."""

import uuid
from contextlib import contextmanager

import psycopg
import pytest
from flask_migrate import upgrade

from assistant.app import create_app
from assistant.extensions import db
from assistant.settings import ROOT, Settings
from tests.support.access import WidgetClient
from tests.support.console_helpers import signed_in_client
from tests.support.mail_capture import smtp_capture

DATABASE_KINDS = ["sqlite", "postgresql"]
POSTGRES_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
NO_RASA = "http://127.0.0.1:9"  # nothing listens there: for apps whose tests never ask the bot


# Tests sign in and chat far faster than people: limits high unless a test sets its own.
# A chat asking for staff waits in the queue whatever the hour, unless a test of the offline
# handoff turns it on.
TEST_SETTINGS = {"rate_limit_client": "100000 per minute",
                 "rate_limit_conversation": "10000 per minute",
                 "rate_limit_new_conversation": "10000 per minute",
                 "rate_limit_login": "10000 per minute",
                 "rate_limit_stream": "10000 per minute",
                 "rate_limit_handoff": "10000 per minute",
                 "offline_handoff": False}


def make_app(database_url, rasa_url, actions_url, knowledge_dir=ROOT / "knowledge" / "articles",
             **settings):
    app = create_app(Settings(database_url=database_url, rasa_url=rasa_url,
                              actions_url=actions_url, secret_key="test",
                              knowledge_dir=knowledge_dir, **{**TEST_SETTINGS, **settings}))
    app.test_client_class = WidgetClient  # sends the access token of each chat it started
    with app.app_context():
        upgrade()  # the real migrations, not create_all
    return app


def sqlite_app(tmp_path_factory, name, rasa_url=NO_RASA, actions_url=NO_RASA, **settings):
    """The service on a fresh SQLite database of its own, in a folder named ``name``."""
    database = tmp_path_factory.mktemp(name) / "service.db"
    return make_app(f"sqlite:///{database}", rasa_url, actions_url, **settings)


@contextmanager
def empty_database(kind, tmp_path_factory):
    """The URL of a new empty database of ``kind`` (PostgreSQL only where a server answers)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'assistant.db'}"
        return
    name = f"assistant_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN, autocommit=True)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session", params=DATABASE_KINDS)
def database_url(request, tmp_path_factory):
    """A fresh empty database of each kind, shared by the session's tests."""
    with empty_database(request.param, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module", params=DATABASE_KINDS)
def module_database(request, tmp_path_factory):
    """A fresh empty database of each kind that only the test module uses."""
    with empty_database(request.param, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def app_without_rasa(module_database):
    """The web service on the module's own database, without Rasa: chats are built in the
    database, the bot is never asked."""
    return make_app(module_database, NO_RASA, NO_RASA)


@pytest.fixture(scope="module")
def module_app(module_database, servers, knowledge_dir):
    """The web service with the real Rasa and action servers on the module's own database."""
    return make_app(module_database, servers.rasa.base_url, servers.actions_url, knowledge_dir)


@pytest.fixture(scope="module")
def smtp():
    """A local SMTP server keeping every e-mail it receives (``smtp.url``, ``smtp.messages``)."""
    with smtp_capture() as capture:
        yield capture


@pytest.fixture(scope="session")
def app(database_url, servers, knowledge_dir):
    """The web service talking to the real Rasa and action servers (same articles)."""
    return make_app(database_url, servers.rasa.base_url, servers.actions_url, knowledge_dir)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def conversation(client):
    """A new conversation id."""
    response = client.post("/api/conversations")
    assert response.status_code == 201
    return response.get_json()["id"]


@pytest.fixture
def stored(app):
    """Run a query in the app's database: ``stored(lambda session: ...)``."""
    def query(function):
        with app.app_context():
            return function(db.session)
    return query


@pytest.fixture
def manager(module_app):
    """A logged-in staff member (staff and admins see the reports)."""
    return signed_in_client(module_app, "staff", name="Manee")
