"""How a page knows the store changed: layer versions and per-kind change counters.

Every write adds 1 to one of ``SHARDS`` counters of its kind (shards keep concurrent writers on
PostgreSQL from queueing on one row). A counter's sum only grows, and it grows with every
committed write whatever order transactions commit in — unlike ``MAX(id)``, which a slow
transaction holding a smaller id would leave unchanged. The record tables count themselves:
triggers in the database add to the counter of their kind in the same transaction as the row
(``TRIGGERS``), so no write can forget and no extra round trip is paid. Reading all of it is two
tiny queries, so every open page can poll it every few seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sqlalchemy as sa

KINDS = ("layers", "ledger", "inspections", "paint", "accounts", "settings")
CITY_KINDS = ("layers", "ledger", "inspections", "paint")  # what the assembled city depends on
SHARDS = 16
# (table whose inserts count, kind)
TRIGGERS = (
    ("layer_versions", "layers"),
    ("events", "ledger"),
    ("inspections", "inspections"),
    ("paint_records", "paint"),
)


def trigger_statements(postgres: bool) -> list[str]:
    """DDL of the counting triggers (one function on PostgreSQL, one trigger per table)."""
    if postgres:
        out = [
            """CREATE FUNCTION cc_count_change() RETURNS trigger AS $$
            BEGIN
                UPDATE change_counters SET n = n + 1
                 WHERE kind = TG_ARGV[0] AND shard = floor(random() * 16)::int;
                RETURN NULL;
            END $$ LANGUAGE plpgsql"""
        ]
        out += [
            f"CREATE TRIGGER {table}_counts AFTER INSERT ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION cc_count_change('{kind}')"
            for table, kind in TRIGGERS
        ]
        return out
    return [
        f"CREATE TRIGGER {table}_counts AFTER INSERT ON {table} BEGIN "
        f"UPDATE change_counters SET n = n + 1 WHERE kind = '{kind}' AND shard = abs(random()) % {SHARDS}; END"
        for table, kind in TRIGGERS
    ]


def seed_counters(conn: sa.Connection) -> None:
    """Create every counter row once (inserting them lazily would race on PostgreSQL)."""
    conn.execute(
        sa.text("INSERT INTO change_counters (kind, shard, n) VALUES (:k, :s, 0)"),
        [{"k": kind, "s": shard} for kind in KINDS for shard in range(SHARDS)],
    )


_BUMP = sa.text("UPDATE change_counters SET n = n + 1 WHERE kind = :k AND shard = :s")


def bump(conn: sa.Connection, kind: str, hint: int | None = None) -> None:
    """Count one change of ``kind`` in the current transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown change kind {kind!r}")
    shard = (hint if hint is not None else random.randrange(SHARDS)) % SHARDS
    conn.execute(_BUMP, {"k": kind, "s": shard})


@dataclass(frozen=True)
class DataVersion:
    """What the store holds now, as numbers that change with every committed write."""

    layers: tuple[tuple[str, int], ...]  # (layer, current version)
    counters: tuple[tuple[str, int], ...]  # (kind, total writes)

    def layer(self, name: str) -> int:
        return dict(self.layers).get(name, 0)

    def counter(self, kind: str) -> int:
        return dict(self.counters).get(kind, 0)

    def record_counters(self) -> tuple[tuple[str, int], ...]:
        """The counters of the records the assembled city is derived from."""
        return tuple((k, n) for k, n in self.counters if k in CITY_KINDS)

    def city_key(self) -> tuple:
        """What the assembled city depends on now: layer versions and the record counters."""
        return self.layers + self.record_counters()


def data_version(conn_or_engine) -> DataVersion:
    def run(conn):
        heads = conn.execute(sa.text("SELECT layer, version FROM layer_heads ORDER BY layer")).all()
        counts = conn.execute(sa.text("SELECT kind, SUM(n) FROM change_counters GROUP BY kind ORDER BY kind")).all()
        return DataVersion(tuple((str(a), int(b)) for a, b in heads), tuple((str(a), int(b or 0)) for a, b in counts))

    if isinstance(conn_or_engine, sa.Engine):
        with conn_or_engine.connect() as conn:
            return run(conn)
    return run(conn_or_engine)
