"""Opening the store: one SQLite/GeoPackage file (embedded) or PostgreSQL + PostGIS (by URL).

``sqlite:///path/city.gpkg`` is the embedded default: WAL mode (readers never wait for a
writer), foreign keys on, and the GeoPackage functions registered. Write transactions take the
database's write lock when they start (``BEGIN IMMEDIATE``), so a writer never reads a state
that another writer is about to change; readers see one consistent snapshot per transaction.

``postgresql+psycopg://user:pass@host:5432/db`` is server mode; PostGIS must be installable
in that database (``CREATE EXTENSION postgis`` is run by the first migration).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import sqlalchemy as sa

from chuangcheng.store import gpkg
from chuangcheng.store.errors import StoreError

_BEGIN = "sqlite_begin"


def connect(url: str) -> sa.Engine:
    """An engine for the store at ``url`` (not yet migrated: see ``store.migrations``)."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith("postgresql"):
        return sa.create_engine(url, pool_pre_ping=True, pool_size=8, max_overflow=8)
    raise StoreError(
        f"不支持的数据库地址 “{_redact(url)}”：应为 sqlite:///路径.gpkg 或 "
        "postgresql+psycopg://用户:密码@主机:端口/库名。"
    )


def _sqlite_engine(url: str) -> sa.Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None  # transactions are begun below, explicitly
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()
        gpkg.register_functions(dbapi_conn)

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):  # noqa: ANN001
        conn.exec_driver_sql(f"BEGIN {conn.get_execution_options().get(_BEGIN, 'DEFERRED')}")

    return engine


def is_postgres(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "postgresql"


@contextlib.contextmanager
def writing(engine: sa.Engine):
    """One write transaction: committed when the block ends, rolled back on any error.

    On SQLite it holds the write lock from the start, so read-then-write logic inside is never
    interleaved with another writer. On PostgreSQL, writers lock the rows they change.
    """
    if is_postgres(engine):
        with engine.begin() as conn:
            yield conn
    else:
        with engine.execution_options(**{_BEGIN: "IMMEDIATE"}).begin() as conn:
            yield conn


@contextlib.contextmanager
def reading(engine: sa.Engine):
    """One read transaction: every query inside sees the same committed state."""
    if is_postgres(engine):
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            with conn.begin():
                yield conn
    else:
        with engine.begin() as conn:
            yield conn


def _redact(url: str) -> str:
    """The URL without its password (for messages and logs)."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "（无法解析的地址）"


redact = _redact
