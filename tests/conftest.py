"""Shared fixtures: a real Rasa server and action server started once per test session."""

import shutil
import uuid
from pathlib import Path

import pytest

from scripts.servers import ROOT, assistant_servers


@pytest.fixture(scope="session")
def knowledge_dir(tmp_path_factory):
    """A copy of the knowledge articles that tests may edit."""
    copy = tmp_path_factory.mktemp("knowledge") / "articles"
    shutil.copytree(ROOT / "knowledge" / "articles", copy)
    return copy


@pytest.fixture(scope="session")
def servers(knowledge_dir):
    """Freshly started Rasa and action servers with the latest trained model."""
    if not list(Path(ROOT, "models").glob("*.tar.gz")):
        pytest.fail("no trained model in models/: run `make train` (make test does it)")
    with assistant_servers(knowledge_dir=knowledge_dir) as running:
        yield running


@pytest.fixture(scope="session")
def assistant(servers):
    """A RasaClient talking to the started Rasa server."""
    return servers.rasa


@pytest.fixture
def sender():
    """A new conversation id."""
    return f"test-{uuid.uuid4().hex}"
