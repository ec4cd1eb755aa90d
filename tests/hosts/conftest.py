"""The four test hosts, built once for the module (skipped where namespaces cannot be made)."""

import pytest
from aiosmtpd.controller import Controller

from tests.hosts.cluster import SMTP_PORT, Cluster
from tests.hosts.network import BRIDGE_ADDRESS, NetworkUnavailable
from tests.support.mail_capture import MailCapture


@pytest.fixture(scope="session")
def cluster():
    hosts = Cluster()
    try:
        hosts.network.create()
    except NetworkUnavailable as error:
        hosts.network.remove()
        pytest.skip(f"the multi-host test needs network namespaces, which cannot be made "
                    f"here: {error}")
    hosts.network.remove()
    try:
        hosts.start()
        yield hosts
    finally:
        hosts.stop()


@pytest.fixture(scope="session")
def mailbox(cluster):
    """The mail server of the test network, on the test's own address."""
    handler = MailCapture()
    controller = Controller(handler, hostname=BRIDGE_ADDRESS, port=SMTP_PORT)
    controller.start()
    yield handler
    controller.stop()
