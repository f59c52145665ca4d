"""施划停车位 records: how many bays were painted on which road section, on which day.

A section's painted bays on any date are the sum of its records up to that date
(``geo.cityview``); the progress chart is the same sum per day. A record may be negative (a
correction), but never so that the section's painted bays fall below zero or rise above its
planned bays; such a record is refused with the section named.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from chuangcheng.geo.workflow import UNIT, Actor
from chuangcheng.store import audit
from chuangcheng.store.db import writing
from chuangcheng.store.errors import PermissionDenied, RecordError, require


# long: one transaction: the checks and writes of one painting record must stay together
def insert_painting(
    conn: sa.Connection,
    actor: Actor,
    *,
    section_id: str,
    painted_on: date,
    bays: int,
    note: str = "",
    source: str = "",
    now: datetime | None = None,
) -> int:
    """Store one painting record inside the caller's transaction; returns its id."""
    require(actor, "painting.record")
    now = now or datetime.now()
    row = (
        conn.execute(
            sa.text("SELECT road_name, planned_bays, responsible_unit FROM parking_sections WHERE section_id = :s"),
            {"s": section_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise RecordError(f"施划路段 “{section_id}” 不存在（或已被删除），不能登记施划。")
    if actor.role == UNIT and row["responsible_unit"] != actor.unit:
        raise PermissionDenied(
            f"路段 “{row['road_name']}” 的责任单位是 “{row['responsible_unit'] or '未指定'}”，{actor.unit}无权登记。"
        )
    if isinstance(bays, bool) or int(bays) != bays or bays == 0:
        raise RecordError(f"路段 “{row['road_name']}” 的施划数应为非零整数（更正时可为负数）。")
    if painted_on > now.date():
        raise RecordError(f"施划日期 {painted_on} 晚于今天，请检查日期。")
    painted = int(
        conn.execute(
            sa.text("SELECT COALESCE(SUM(bays), 0) FROM paint_records WHERE section_id = :s"), {"s": section_id}
        ).scalar_one()
    )
    planned = row["planned_bays"]
    after = painted + int(bays)
    if after < 0 or (planned is not None and after > planned):
        raise RecordError(
            f"路段 “{row['road_name']}”（{section_id}）已施划 {painted} 个、规划 {planned} 个，"
            f"再登记 {bays} 个后为 {after} 个，超出 0–{planned} 的范围，未保存。"
        )
    new_id = int(
        conn.execute(
            sa.text(
                "INSERT INTO paint_records (section_id, painted_on, bays, recorded_by, note, source, created_at) "
                "VALUES (:s, :d, :b, :by, :n, :src, :now) RETURNING id"
            ),
            {
                "s": section_id,
                "d": painted_on,
                "b": int(bays),
                "by": actor.username,
                "n": note,
                "src": source,
                "now": now,
            },
        ).scalar_one()
    )
    return new_id


def record_painting(engine: sa.Engine, actor: Actor, *, address: str | None = None, **fields) -> int:
    with writing(engine) as conn:
        new_id = insert_painting(conn, actor, **fields)
        audit.record(
            conn,
            actor=actor.username,
            action="painting_record",
            target=fields["section_id"],
            address=address,
            detail={"record": new_id, "bays": fields["bays"], "date": str(fields["painted_on"])},
        )
    return new_id


def read_paint_records(engine: sa.Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(
            sa.text(
                "SELECT id, section_id, painted_on, bays, recorded_by, note, source FROM paint_records ORDER BY id"
            ),
            conn,
        )
    frame["painted_on"] = pd.to_datetime(frame["painted_on"], format="ISO8601")
    return frame
