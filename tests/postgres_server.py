"""A real PostgreSQL server for the workspace tests, started and stopped by the tests themselves.

It uses the server binaries of the machine (Debian's ``postgresql`` package; ``.ci/run``
installs it where it can): a new cluster in a temporary folder, listening only on a Unix
socket there. As root, the server runs as the ``postgres`` user (PostgreSQL refuses root).
Without the binaries the tests that need it are skipped, unless ``KSB_REQUIRE_POSTGRES=1``
(set by ``.ci/run`` when it installed them), when they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

__all__ = ["PostgresServer", "postgres_server"]


@dataclass(frozen=True)
class PostgresServer:
    socket_dir: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres", autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    binaries = _binaries()
    if binaries is None:
        if os.environ.get("KSB_REQUIRE_POSTGRES") == "1":
            pytest.fail("KSB_REQUIRE_POSTGRES=1 but the PostgreSQL server binaries (initdb) are not installed")
        pytest.skip("the PostgreSQL server is not installed (Debian: apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("psycopg is not installed: it is part of the test extra (make setup)")
    folder = Path(tempfile.mkdtemp(prefix="ksb-postgres-"))
    data, sockets = folder / "data", folder / "sockets"
    data.mkdir()
    sockets.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (folder, data, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
    port = _free_port()
    run: Any = lambda command: subprocess.run(_as_server_user(command), check=True, capture_output=True, text=True, timeout=120)  # noqa: E731
    run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"])
    options = f"-p {port} -k {sockets} -c listen_addresses='' -c fsync=off"
    run([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "start"])
    try:
        yield PostgresServer(sockets, port)
    finally:
        subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]), capture_output=True, timeout=120, check=False)
        shutil.rmtree(folder, ignore_errors=True)
