"""Test hosts on one machine: a network namespace per host, each with a veth pair into one
bridge (a switch). The test itself stays in the machine's own namespace, on the bridge's
address, like a client on the same network. Needs root and ``ip`` (iproute2)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

PREFIX = "bea"  # every namespace, bridge and link this module makes starts with it
SUBNET = "10.231.77"
BRIDGE_ADDRESS = f"{SUBNET}.1"


class NetworkUnavailable(RuntimeError):
    """Namespaces cannot be made here (not root, no iproute2, or no permission)."""


def _ip(*args: str, namespace: Optional[str] = None) -> None:
    command = ["ip", *(["-n", namespace] if namespace else []), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise NetworkUnavailable(f"{' '.join(command)}: {done.stderr.strip()}")


@dataclass
class Network:
    """Hosts by name (``lb``, ``app1`` …) with their addresses on one bridge."""

    hosts: dict[str, str]
    tag: str = field(default_factory=lambda: f"{os.getpid() % 10000}")

    @property
    def bridge(self) -> str:
        return f"{PREFIX}br{self.tag}"

    def namespace(self, host: str) -> str:
        return f"{PREFIX}-{self.tag}-{host}"

    def _outer_link(self, host: str) -> str:
        return f"{PREFIX}{self.tag}{list(self.hosts).index(host)}"  # at most 15 characters

    def create(self) -> None:
        """The bridge in this namespace, then each host's namespace and link to it."""
        if os.geteuid() != 0:
            raise NetworkUnavailable("network namespaces need root")
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{BRIDGE_ADDRESS}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        for host, address in self.hosts.items():
            namespace, outer = self.namespace(host), self._outer_link(host)
            _ip("netns", "add", namespace)
            _ip("link", "add", outer, "type", "veth", "peer", "name", "eth0",
                "netns", namespace)
            _ip("link", "set", outer, "master", self.bridge)
            _ip("link", "set", outer, "up")
            _ip("addr", "add", f"{address}/24", "dev", "eth0", namespace=namespace)
            _ip("link", "set", "eth0", "up", namespace=namespace)
            _ip("link", "set", "lo", "up", namespace=namespace)

    def cut(self, host: str) -> None:
        """Unplug ``host``: its packets are dropped silently, as with a failed switch port."""
        _ip("link", "set", self._outer_link(host), "down")

    def restore(self, host: str) -> None:
        """Plug ``host`` back in."""
        _ip("link", "set", self._outer_link(host), "up")

    def command(self, host: str, argv: Sequence[str]) -> list[str]:
        """``argv`` to be run on ``host``."""
        return ["ip", "netns", "exec", self.namespace(host), *argv]

    def start(self, host: str, argv: Sequence[str], env: Mapping[str, str], log: str,
              cwd: Optional[str] = None, user: Optional[str] = None) -> subprocess.Popen:
        """A process on ``host`` (as ``user`` if given), output to the file ``log``."""
        prefix = ["runuser", "-u", user, "--"] if user else []
        with open(log, "ab") as output:
            return subprocess.Popen(self.command(host, [*prefix, *argv]), env=dict(env),
                                    cwd=cwd, stdout=output, stderr=subprocess.STDOUT,
                                    start_new_session=True)

    def run(self, host: str, argv: Sequence[str], env: Mapping[str, str],
            cwd: Optional[str] = None, timeout: float = 300) -> str:
        """Run ``argv`` on ``host`` to its end; its output (raises if it fails)."""
        done = subprocess.run(self.command(host, argv), env=dict(env), cwd=cwd, text=True,
                              capture_output=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} on {host} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def remove(self) -> None:
        """Every namespace and link this network made (what is left of them)."""
        for host in self.hosts:
            subprocess.run(["ip", "netns", "del", self.namespace(host)], capture_output=True,
                           check=False)
            subprocess.run(["ip", "link", "del", self._outer_link(host)], capture_output=True,
                           check=False)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True, check=False)
