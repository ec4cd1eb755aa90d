"""The data host's servers, started by the test on that host's address: Debian's PostgreSQL
(a new cluster, trust for the test network) and Redis (nothing kept on disk)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg
import redis

from tests.hosts.network import SUBNET, Network

POSTGRES_USER = "postgres"  # initdb and postgres refuse to run as root


def postgres_bin() -> Path:
    """The newest PostgreSQL server binaries of Debian's packages."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        raise FileNotFoundError("PostgreSQL server binaries not found (apt install postgresql)")
    return Path(found[-1]).parent


def wait_for(check, what: str, seconds: float = 60) -> None:
    """Until ``check()`` stops raising; fails with ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            check()
            return
        except Exception as error:  # noqa: BLE001 - whatever the server says while starting
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} did not start: {error}") from error
            time.sleep(0.5)


def start_data_host(network: Network, address: str, folder: Path,
                    databases: tuple[str, ...]) -> list[subprocess.Popen]:
    """PostgreSQL with ``databases`` and Redis on ``address`` of the host ``data``."""
    cluster = folder / "postgres"
    cluster.mkdir(parents=True)
    shutil.chown(cluster, POSTGRES_USER, POSTGRES_USER)
    os.chmod(folder, 0o755)
    binaries = postgres_bin()
    subprocess.run(["runuser", "-u", POSTGRES_USER, "--", str(binaries / "initdb"), "-D",
                    str(cluster), "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
                   check=True, capture_output=True)
    with open(cluster / "pg_hba.conf", "a", encoding="utf-8") as hba:
        hba.write(f"host all all {SUBNET}.0/24 trust\n")
    postgres = network.start(
        "data", [str(binaries / "postgres"), "-D", str(cluster), "-c",
                 f"listen_addresses={address}", "-c", f"unix_socket_directories={cluster}",
                 "-c", "max_connections=300", "-c", "fsync=off"],
        {"PATH": os.environ["PATH"]}, str(folder / "postgres.log"), user=POSTGRES_USER)
    cache = network.start(
        "data", ["redis-server", "--bind", address, "--port", "6379", "--save", "",
                 "--appendonly", "no", "--protected-mode", "no"],
        {"PATH": os.environ["PATH"]}, str(folder / "redis.log"))
    server = f"postgresql://{POSTGRES_USER}@{address}:5432"
    wait_for(lambda: psycopg.connect(f"{server}/postgres").close(), "PostgreSQL")
    wait_for(lambda: redis.Redis(host=address, socket_timeout=1).ping(), "Redis")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        for name in databases:
            connection.execute(f'CREATE DATABASE "{name}"')
    return [postgres, cache]
