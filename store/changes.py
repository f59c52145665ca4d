"""How a page knows the store changed: layer versions and per-kind change counters.

Every write transaction adds 1 to one of ``SHARDS`` counters of its kind (shards keep concurrent
writers on PostgreSQL from queueing on one row). A counter's sum only grows, and it grows with
every committed write whatever order transactions commit in — unlike ``MAX(id)``, which a slow
transaction holding a smaller id would leave unchanged. Reading all of it is two tiny queries, so
every open page can poll it every few seconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sqlalchemy as sa

KINDS = ("layers", "ledger", "inspections", "paint", "accounts", "settings")
SHARDS = 16


def seed_counters(conn: sa.Connection) -> None:
    """Create every counter row once (inserting them lazily would race on PostgreSQL)."""
    conn.execute(sa.text("INSERT INTO change_counters (kind, shard, n) VALUES (:k, :s, 0)"),
                 [{"k": kind, "s": shard} for kind in KINDS for shard in range(SHARDS)])


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

    layers: tuple[tuple[str, int], ...]   # (layer, current version)
    counters: tuple[tuple[str, int], ...]  # (kind, total writes)

    def layer(self, name: str) -> int:
        return dict(self.layers).get(name, 0)

    def counter(self, kind: str) -> int:
        return dict(self.counters).get(kind, 0)


def data_version(conn_or_engine) -> DataVersion:
    def run(conn):
        heads = conn.execute(sa.text("SELECT layer, version FROM layer_heads ORDER BY layer")).all()
        counts = conn.execute(sa.text("SELECT kind, SUM(n) FROM change_counters GROUP BY kind "
                                      "ORDER BY kind")).all()
        return DataVersion(tuple((str(a), int(b)) for a, b in heads),
                           tuple((str(a), int(b or 0)) for a, b in counts))

    if isinstance(conn_or_engine, sa.Engine):
        with conn_or_engine.connect() as conn:
            return run(conn)
    return run(conn_or_engine)
