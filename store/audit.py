"""The audit trail: an append-only log of who did what, when, from where.

Rows are only ever inserted, in the same transaction as the change they describe, so a change
and its log line are committed together or not at all. Ledger moves are logged in the ledger's
own ``events`` table (with the same who/when/what) and shown beside this log.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import sqlalchemy as sa


def record(conn: sa.Connection, *, actor: str, action: str, target: str = "",
           detail: dict | None = None, address: str | None = None,
           at: datetime | None = None) -> None:
    """Append one line to the audit log inside the caller's transaction."""
    conn.execute(sa.text("INSERT INTO audit_log (at, actor, address, action, target, detail) "
                         "VALUES (:at, :actor, :address, :action, :target, :detail)"),
                 {"at": at or datetime.now(), "actor": actor, "address": address, "action": action,
                  "target": target, "detail": json.dumps(detail or {}, ensure_ascii=False, default=str)})


def read_audit(engine: sa.Engine, *, since: datetime | None = None) -> pd.DataFrame:
    query, params = "SELECT * FROM audit_log", {}
    if since is not None:
        query += " WHERE at >= :since"
        params["since"] = since
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text(query + " ORDER BY id"), conn, params=params)
    frame["at"] = pd.to_datetime(frame["at"], format="ISO8601")
    return frame
