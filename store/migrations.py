"""Schema changes as numbered migrations: one mechanism for every table of the store.

``migrate(engine)`` applies, in order and each in its own transaction, every numbered
migration the store has not seen (recorded in ``schema_version``), then makes sure every layer
of the registry has its tables and columns (a layer added to the registry gets its tables on the
next start; columns are only ever added, never dropped). Two processes starting at once are
serialised: on SQLite by the write lock, on PostgreSQL by an advisory lock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

import registry
from store import changes, gpkg, schema
from store.db import is_postgres, writing
from store.errors import StoreError

_LOCK_KEY = 0x43435A5A  # any constant: the advisory lock that serialises migrations


def _initial(conn: sa.Connection) -> None:
    postgres = is_postgres(conn)
    if postgres:
        try:
            with conn.begin_nested():
                conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        except sa.exc.DBAPIError as exc:
            raise StoreError("数据库中没有 PostGIS 扩展，且当前账号无权创建。请数据库管理员执行 "
                             "CREATE EXTENSION postgis; 后重试。") from exc
    else:
        for statement, params in gpkg.core_statements():
            if params:
                conn.execute(sa.text(statement), params)
            else:
                conn.exec_driver_sql(statement)
    for statement in schema.record_tables(postgres):
        conn.execute(sa.text(statement))
    changes.seed_counters(conn)
    for statement in changes.trigger_statements(postgres):
        conn.exec_driver_sql(statement)
    if not postgres:
        for table, title in schema.ATTRIBUTE_TABLES.items():
            statement, params = gpkg.attribute_table_statement(table, title, title)
            conn.execute(sa.text(statement), params)


# (number, what it does, the change). Append only; never edit an applied migration.
MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "一张图：图层版本、台账、测评、施划记录、账号、审计", _initial),
]


def current_version(conn: sa.Connection) -> int:
    conn.execute(sa.text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
                         "description TEXT NOT NULL DEFAULT '', applied_at TIMESTAMP)"))
    return int(conn.execute(sa.text("SELECT MAX(version) FROM schema_version")).scalar() or 0)


def _lock(conn: sa.Connection) -> None:
    if is_postgres(conn):
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


def migrate(engine: sa.Engine) -> int:
    """Apply pending migrations and sync the layer tables; returns the schema version."""
    with writing(engine) as conn:
        _lock(conn)
        version = current_version(conn)
    changed = False
    for number, description, change in MIGRATIONS:
        if number <= version:
            continue
        with writing(engine) as conn:
            _lock(conn)
            if current_version(conn) >= number:  # another process got there first
                continue
            change(conn)
            conn.execute(sa.text("INSERT INTO schema_version VALUES (:v, :d, :t)"),
                         {"v": number, "d": description, "t": datetime.now()})
            changed = True
        version = number
    with writing(engine) as conn:
        _lock(conn)
        changed |= bool(sync_layer_tables(conn))
    if changed and not is_postgres(engine):
        # GIS programs read the GeoPackage header from the file itself, not through the WAL.
        # Only after a schema change: a checkpoint that waits for readers would hold writers up.
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    return version


def _existing_columns(conn: sa.Connection, table: str) -> set[str] | None:
    if is_postgres(conn):
        rows = conn.execute(sa.text("SELECT column_name FROM information_schema.columns "
                                    "WHERE table_schema = current_schema() AND table_name = :t"),
                            {"t": table}).scalars().all()
    else:
        rows = [r[1] for r in conn.exec_driver_sql(f'PRAGMA table_info("{table}")').all()]
    return set(rows) or None


def sync_layer_tables(conn: sa.Connection) -> list[str]:
    """Create the tables of registry layers the store lacks and add missing columns; returns
    what was done (for the log)."""
    postgres = is_postgres(conn)
    done = []
    for spec in registry.LAYERS:
        columns = _existing_columns(conn, spec.name)
        if columns is None:
            for statement, params in schema.create_layer_statements(spec, postgres):
                conn.execute(sa.text(statement), params)
            conn.execute(sa.text("INSERT INTO layer_heads (layer, version, rows) VALUES (:l, 0, 0)"),
                         {"l": spec.name})
            done.append(f"新建图层 {spec.name}")
            continue
        for name, sql_type in schema.layer_columns(spec, postgres):
            if name not in columns:
                for statement, params in schema.add_column_statements(spec, name, sql_type):
                    conn.execute(sa.text(statement), params)
                done.append(f"图层 {spec.name} 新增字段 {name}")
    return done
