"""The store's key/value provenance: which city, whether generated, sources of real figures."""

from __future__ import annotations

import sqlalchemy as sa

from chuangcheng.store import changes
from chuangcheng.store.db import writing


def read_meta(engine_or_conn) -> dict[str, str]:
    query = sa.text("SELECT key, value FROM meta")
    if isinstance(engine_or_conn, sa.Engine):
        with engine_or_conn.connect() as conn:
            return {k: v for k, v in conn.execute(query).all()}
    return {k: v for k, v in engine_or_conn.execute(query).all()}


def write_meta(engine: sa.Engine, values: dict[str, str]) -> None:
    with writing(engine) as conn:
        for key, value in values.items():
            conn.execute(sa.text("DELETE FROM meta WHERE key = :k"), {"k": key})
            conn.execute(sa.text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": key, "v": str(value)})
        changes.bump(conn, "settings")


def is_empty(engine: sa.Engine) -> bool:
    """True when no layer has been written yet (a new store)."""
    with engine.connect() as conn:
        return not conn.execute(sa.text("SELECT MAX(version) FROM layer_heads")).scalar()
