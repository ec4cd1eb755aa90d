"""The four test hosts, built once for the module (skipped where namespaces cannot be made)."""

import email
import email.policy

import pytest
from aiosmtpd.controller import Controller

from tests.hosts.cluster import SMTP_PORT, Cluster
from tests.hosts.network import BRIDGE_ADDRESS, NetworkUnavailable


class Mailbox:
    """The mail server of the test network (aiosmtpd): every e-mail it received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 Message accepted"


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
    handler = Mailbox()
    controller = Controller(handler, hostname=BRIDGE_ADDRESS, port=SMTP_PORT)
    controller.start()
    yield handler
    controller.stop()
