"""实地测评 records: an inspector's visit to a 测评点位, item by item, and the cases it opens.

An inspection stores who, when, and 符合/不符合 for each item of the checklist for that point's
type (``checklist_items``, loaded from ``data/inspection_checklists.csv``). Its result is
derived, not typed: 达标 when every recorded item passed, else 不达标. Each failed item can open a
问题台账 case linked to the point (source 实地测评) in the same transaction, so an inspection and
its cases are saved together or not at all. A point's latest result, date and open problems are
read from these records (``geo.cityview``), never stored on the point.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
import shapely
import sqlalchemy as sa

from chuangcheng.geo.permissions import ACTIONS
from chuangcheng.geo.workflow import Actor
from chuangcheng.store import audit, gpkg, photos
from chuangcheng.store.db import is_postgres, writing
from chuangcheng.store.errors import RecordError, require
from chuangcheng.store.ledger import insert_case

PASSED, FAILED = "达标", "不达标"
RECORDING_ROLES = ACTIONS["inspection.record"][1]
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class ItemResult:
    item_code: str
    passed: bool
    note: str = ""
    open_case: bool = False  # for a failed item: open a 问题台账 case for it


@dataclass(frozen=True)
class SavedInspection:
    inspection_id: int
    result: str
    case_ids: tuple[int, ...]


def read_checklist(engine_or_conn, point_type: str | None = None) -> pd.DataFrame:
    """Checklist items (all types, or one), in code order."""
    query, params = "SELECT * FROM checklist_items", {}
    if point_type is not None:
        query += " WHERE point_type = :t"
        params["t"] = point_type
    query += " ORDER BY point_type, item_code"
    if isinstance(engine_or_conn, sa.Engine):
        with engine_or_conn.connect() as conn:
            return pd.read_sql(sa.text(query), conn, params=params)
    return pd.read_sql(sa.text(query), engine_or_conn, params=params)


_CHECKLIST_OF_TYPE = sa.text(
    "SELECT item_code, item_text, category_code FROM checklist_items WHERE point_type = :t ORDER BY item_code"
)


def _point(conn: sa.Connection, point_id: str) -> dict:
    geom = "ST_AsBinary(geom)" if is_postgres(conn) else "geom"
    row = (
        conn.execute(
            sa.text(f"SELECT point_name, point_type, {geom} AS geom FROM inspection_points WHERE point_id = :p"),
            {"p": point_id},
        )
        .mappings()
        .first()
    )
    if row is None:
        raise RecordError(f"测评点位 “{point_id}” 不存在（或已被删除），不能记录测评。")
    blob = row["geom"]
    point = shapely.from_wkb(bytes(blob)) if is_postgres(conn) else gpkg.decode([blob])[0]
    return {"name": row["point_name"], "type": row["point_type"], "lon": point.x, "lat": point.y}


# long: one transaction: the checks and writes of one inspection must stay together
def insert_inspection(
    conn: sa.Connection,
    actor: Actor,
    *,
    point_id: str,
    inspected_at: datetime,
    items: list[ItemResult],
    notes: str = "",
    source: str = "",
    area: dict | None = None,
    photo_files: Sequence[tuple[str, bytes]] = (),
    inspector: str | None = None,
    now: datetime | None = None,
) -> SavedInspection:
    """Store one inspection (and the cases of its failed items) in the caller's transaction.

    ``inspector`` names who inspected when it is not the signed-in user (an imported sheet);
    the record keeps both.
    """
    require(actor, "inspection.record")
    now = now or datetime.now()
    point = _point(conn, point_id)
    if inspected_at > now + FUTURE_TOLERANCE:
        raise RecordError(f"测评时间 {inspected_at:%Y-%m-%d %H:%M} 晚于现在，请检查日期。")
    checklist = {
        code: {"item_text": text, "category_code": cat}
        for code, text, cat in conn.execute(_CHECKLIST_OF_TYPE, {"t": point["type"]}).all()
    }
    if not checklist:
        raise RecordError(
            f"点位类型 “{point['type']}” 没有测评项目表，请管理员在 data/inspection_checklists.csv 中补充后重试。"
        )
    if not items:
        raise RecordError(f"点位 “{point['name']}” 的测评至少要有一个项目的结果。")
    codes = [i.item_code for i in items]
    unknown = [c for c in codes if c not in checklist]
    if unknown:
        raise RecordError(
            f"项目 {'、'.join(map(str, unknown))} 不属于“{point['type']}”的测评项目（可选：{'、'.join(checklist)}）。"
        )
    if len(set(codes)) != len(codes):
        raise RecordError(f"点位 “{point['name']}” 的测评中有重复的项目。")
    result = PASSED if all(i.passed for i in items) else FAILED
    inspection_id = int(
        conn.execute(
            sa.text(
                "INSERT INTO inspections (point_id, inspected_at, inspector, result, notes, source, created_at, "
                "created_by) VALUES (:p, :at, :who, :r, :n, :src, :now, :by) RETURNING id"
            ),
            {
                "p": point_id,
                "at": inspected_at,
                "who": (inspector or actor.username)[:64],
                "by": actor.username,
                "r": result,
                "n": notes,
                "src": source,
                "now": now,
            },
        ).scalar_one()
    )
    case_ids = []
    for item in items:
        case_id = None
        if not item.passed and item.open_case:
            spec = checklist[item.item_code]
            case_id = insert_case(
                conn,
                actor,
                title=f"{point['name']}：{spec['item_text']}（不符合）",
                source="实地测评",
                at=inspected_at,
                description=item.note or notes,
                category_code=spec["category_code"] or None,
                lon=point["lon"],
                lat=point["lat"],
                point_id=point_id,
                area=area,
                inspection_id=inspection_id,
                item_code=item.item_code,
            )
            case_ids.append(case_id)
        conn.execute(
            sa.text(
                "INSERT INTO inspection_items (inspection_id, item_code, passed, note, case_id) "
                "VALUES (:i, :c, :p, :n, :case)"
            ),
            {"i": inspection_id, "c": item.item_code, "p": bool(item.passed), "n": item.note, "case": case_id},
        )
    photos.insert_photos(conn, "inspection", inspection_id, list(photo_files), actor=actor.username, at=now)
    return SavedInspection(inspection_id, result, tuple(case_ids))


def record_inspection(engine: sa.Engine, actor: Actor, *, address: str | None = None, **fields) -> SavedInspection:
    """One inspection as one transaction (see :func:`insert_inspection`)."""
    with writing(engine) as conn:
        saved = insert_inspection(conn, actor, **fields)
        audit.record(
            conn,
            actor=actor.username,
            action="inspection_record",
            target=fields["point_id"],
            address=address,
            detail={"inspection": saved.inspection_id, "result": saved.result, "cases": list(saved.case_ids)},
        )
    return saved


def read_inspections(engine: sa.Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(inspections, their items): every record, oldest first."""
    with engine.connect() as conn:
        inspections = pd.read_sql(
            sa.text("SELECT id, point_id, inspected_at, inspector, result, notes, source FROM inspections ORDER BY id"),
            conn,
        )
        items = pd.read_sql(
            sa.text(
                "SELECT inspection_id, item_code, passed, note, case_id FROM inspection_items "
                "ORDER BY inspection_id, item_code"
            ),
            conn,
        )
    inspections["inspected_at"] = pd.to_datetime(inspections["inspected_at"], format="ISO8601")
    items["passed"] = items["passed"].astype(bool)
    return inspections, items
