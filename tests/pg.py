"""A throwaway PostgreSQL + PostGIS cluster for tests, on a free loopback port.

initdb and pg_ctl run as the ``postgres`` user (PostgreSQL refuses root), with fsync off since
the data is thrown away. Installed by ``scripts/install_postgres.sh`` when missing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TEMPLATE = "cc_template"


def available() -> bool:
    return (PG_BIN / "initdb").exists() and Path("/usr/share/postgresql/15/extension/postgis.control").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(args: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@contextlib.contextmanager
def throwaway_postgres():
    """Yield a SQLAlchemy URL of a fresh database with PostGIS; stop and delete it after."""
    root = Path(tempfile.mkdtemp(prefix="cc-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        _as_postgres(
            [str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]
        ),
        check=True,
        capture_output=True,
    )
    log = root / "log.txt"
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(log),
                "-w",
                "-o",
                f"-p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c unix_socket_directories={root}",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "psql"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "-c",
                    "CREATE DATABASE ledger",
                    "-c",
                    "",
                ]
            ),
            check=False,
            capture_output=True,
        )
        subprocess.run(
            _as_postgres(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "-d",
                    "ledger",
                    "-c",
                    "CREATE EXTENSION IF NOT EXISTS postgis",
                ]
            ),
            check=True,
            capture_output=True,
        )
        # A template with PostGIS: each test's fresh database is a cheap copy of it.
        subprocess.run(
            _as_postgres(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "postgres",
                    "-c",
                    f"CREATE DATABASE {TEMPLATE} TEMPLATE ledger",
                ]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/ledger"
    finally:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(server_url: str, name: str) -> str:
    """A new, empty database with PostGIS on the throwaway server; returns its URL."""
    import sqlalchemy as sa

    base = server_url.rsplit("/", 1)[0]
    admin = sa.create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE}'))
    admin.dispose()
    return f"{base}/{name}"
