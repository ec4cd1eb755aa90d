"""The accepted model for Rasa's model pulling: ``GET /api/model`` (ETag, 304, token, 404),
published by an activation instead of ``PUT /model``, on SQLite and PostgreSQL."""

import hashlib

import pytest

from assistant.training import model_store, pipeline
from assistant.training.workspace import workspace
from tests.service.conftest import NO_RASA, make_app

TOKEN = "model-key"
PULL = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A training root with two kept models (any bytes: the service never opens them)."""
    root = tmp_path_factory.mktemp("project")
    (root / "models").mkdir()
    for name in ("first.tar.gz", "second.tar.gz"):
        (root / "models" / name).write_bytes(f"model {name}".encode() * 1000)
    return root


@pytest.fixture(scope="module")
def app(module_database, project):
    # NO_RASA: an activation that still sent PUT /model would fail with "Rasa did not load".
    return make_app(module_database, NO_RASA, NO_RASA, training_root=project,
                    model_server_token=TOKEN)


def etag_of(path):
    return f'"{hashlib.sha256(path.read_bytes()).hexdigest()}"'


def test_nothing_to_pull_before_a_model_is_accepted(app):
    assert app.test_client().get("/api/model", headers=PULL).status_code == 404


def test_only_the_rasa_servers_get_the_model(app, project):
    with app.app_context():
        pipeline.activate(project / "models" / "first.tar.gz", None)
    client = app.test_client()
    assert client.get("/api/model").status_code == 401
    assert client.get("/api/model", headers={"Authorization": "Bearer other"}).status_code == 401
    assert client.get("/api/model?token=model-key").status_code == 401


def test_an_accepted_model_is_served_with_its_sha256_as_etag(app, project):
    first = project / "models" / "first.tar.gz"
    with app.app_context():
        pipeline.activate(first, None)
    response = app.test_client().get("/api/model", headers=PULL)
    assert response.status_code == 200
    assert response.data == first.read_bytes()
    assert response.headers["ETag"] == etag_of(first)
    assert response.headers["filename"] == "first.tar.gz"


def test_a_server_that_has_the_model_gets_304_and_a_new_acceptance_replaces_it(app, project):
    first, second = project / "models" / "first.tar.gz", project / "models" / "second.tar.gz"
    client = app.test_client()
    with app.app_context():
        pipeline.activate(first, None)
    unchanged = client.get("/api/model", headers={**PULL, "If-None-Match": etag_of(first)})
    assert unchanged.status_code == 304 and unchanged.data == b""
    with app.app_context():
        pipeline.activate(second, None)
    changed = client.get("/api/model", headers={**PULL, "If-None-Match": etag_of(first)})
    assert changed.status_code == 200 and changed.headers["ETag"] == etag_of(second)
    assert changed.data == second.read_bytes()


def test_publish_once_keeps_an_accepted_model(app, project):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["training", "publish", "--once"])
    assert result.exit_code == 0, result.output
    response = app.test_client().get("/api/model", headers=PULL)
    assert response.headers["filename"] == "second.tar.gz"  # accepted last, kept


def test_without_a_model_server_token_there_is_no_model_server(project, tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'service.db'}", NO_RASA, NO_RASA,
                   training_root=project)
    with app.app_context():
        model_store.publish(project / "models" / "first.tar.gz")
    assert app.test_client().get("/api/model", headers={"Authorization": "Bearer "}
                                 ).status_code == 404


def test_a_host_that_never_had_the_accepted_model_gets_it_as_its_gate_baseline(
        app, module_database, project, tmp_path):
    accepted = project / "models" / "second.tar.gz"
    with app.app_context():
        pipeline.activate(accepted, None)
    other_host = make_app(module_database, NO_RASA, NO_RASA, training_root=tmp_path,
                          model_server_token=TOKEN)
    with other_host.app_context():
        baseline = pipeline.active_model(workspace())
    assert baseline is not None and baseline == tmp_path / "models" / "second.tar.gz"
    assert baseline.read_bytes() == accepted.read_bytes()
