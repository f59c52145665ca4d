"""The problem ledger in the store: cases and their events, one transaction per workflow step.

Every step updates the case only if its ``version`` is the one the user saw (optimistic
locking) and writes the event in the same transaction; a second writer on the same case updates
nothing and is told "已被他人修改，请刷新". Roles are checked here, on the server, through the
pure rules in ``geo.workflow``. A case is dispatched only to a 责任单位 of the registry that has
at least one account, so nobody is sent work no one can see.
"""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from chuangcheng.geo.workflow import REPORTED, UNIT, Actor, Case, WorkflowError, apply
from chuangcheng.store import changes
from chuangcheng.store.db import is_postgres, writing
from chuangcheng.store.errors import StaleWriteError, require

SOURCES = ("实地测评", "督查", "随手拍", "热线", "上级交办")
CASE_TIME_COLUMNS = ("deadline", "reported_at", "dispatched_at", "closed_at")


class ConcurrentEditError(StaleWriteError, WorkflowError):
    """Someone else changed the case since it was read; nothing was written."""


def _stale(case_id: int, seen: int, now: int | None = None) -> ConcurrentEditError:
    where = "" if now is None else f"（您看到的是第 {seen} 版，现在是第 {now} 版）"
    return ConcurrentEditError(f"案件 {case_id} 已被他人修改，请刷新后重试{where}；本次操作没有执行。")


_INSERT_CASE = sa.text(
    "INSERT INTO cases (title, description, category_code, source, lon, lat, point_id, district_code, "
    "street_code, community_code, grid_code, state, reported_at, created_by, inspection_id, item_code) "
    "VALUES (:title, :d, :c, :s, :lon, :lat, :p, :dc, :sc, :cc, :gc, :state, :at, :by, :insp, :item) "
    "RETURNING id"
)


def insert_case(
    conn: sa.Connection,
    actor: Actor,
    *,
    title: str,
    source: str,
    at: datetime,
    description: str = "",
    category_code: str | None = None,
    lon: float | None = None,
    lat: float | None = None,
    point_id: str | None = None,
    area: dict | None = None,
    inspection_id: int | None = None,
    item_code: str | None = None,
    address: str | None = None,
) -> int:
    """Record a problem (上报) inside the caller's transaction; returns the case id. ``address``:
    where the request came from (kept with the event, for the audit)."""
    require(actor, "case.report")
    if source not in SOURCES:
        raise WorkflowError(f"问题来源应为 {'、'.join(SOURCES)} 之一。")
    if not str(title).strip():
        raise WorkflowError("问题标题不能为空。")
    if len(str(title).strip()) > 200:
        raise WorkflowError("问题标题不能超过 200 个字。")
    area = area or {}
    new_id = conn.execute(
        _INSERT_CASE,
        {
            "title": str(title).strip(),
            "d": description,
            "c": category_code,
            "s": source,
            "lon": lon,
            "lat": lat,
            "p": point_id,
            "dc": area.get("district_code"),
            "sc": area.get("street_code"),
            "cc": area.get("community_code"),
            "gc": area.get("grid_code"),
            "state": REPORTED,
            "at": at,
            "by": actor.username,
            "insp": inspection_id,
            "item": item_code,
        },
    ).scalar_one()
    _write_event(conn, int(new_id), "report", "", REPORTED, actor.username, at, "", {}, address)
    return int(new_id)


def create_case(engine: sa.Engine, actor: Actor, **fields) -> int:
    """Record a problem (上报) as one transaction. 责任单位 and 领导 accounts cannot."""
    with writing(engine) as conn:
        return insert_case(conn, actor, **fields)


# Statements built once: text() parsing costs about as much as a small SQLite write.
_INSERT_EVENT = sa.text(
    "INSERT INTO events (case_id, action, from_state, to_state, actor, at, note, extra, "
    "address) VALUES (:c, :a, :f, :t, :actor, :at, :n, :x, :addr)"
)
_SELECT_CASE = sa.text("SELECT * FROM cases WHERE id = :id")
_SELECT_CASE_FOR_UPDATE = sa.text("SELECT * FROM cases WHERE id = :id FOR UPDATE")
_UPDATE_CASE = sa.text(
    "UPDATE cases SET state = :state, unit = :unit, deadline = :deadline, "
    "dispatched_at = :dispatched_at, closed_at = :closed_at, rework_count = :rework, "
    "fixed_count = fixed_count + :fixed, parked_from = :parked_from, version = :new_version "
    "WHERE id = :id AND version = :version"
)


def _write_event(conn, case_id, action, from_state, to_state, actor, at, note, extra, address=None) -> None:
    conn.execute(
        _INSERT_EVENT,
        {
            "c": case_id,
            "a": action,
            "f": from_state,
            "t": to_state,
            "actor": actor,
            "at": at,
            "n": note,
            "x": json.dumps(extra, ensure_ascii=False),
            "addr": (address or "")[:64] or None,
        },
    )


def read_case(conn_or_engine, case_id: int, *, lock: bool = False) -> Case:
    """The case's workflow fields; ``lock`` holds the row until the transaction ends (PostgreSQL;
    SQLite's write transactions already hold the whole database)."""
    query = _SELECT_CASE_FOR_UPDATE if lock and is_postgres(conn_or_engine) else _SELECT_CASE
    if isinstance(conn_or_engine, sa.Engine):
        with conn_or_engine.connect() as conn:
            row = conn.execute(query, {"id": case_id}).mappings().first()
    else:
        row = conn_or_engine.execute(query, {"id": case_id}).mappings().first()
    if row is None:
        raise WorkflowError(f"没有编号为 {case_id} 的案件。")
    return Case(
        id=row["id"],
        state=row["state"],
        unit=row["unit"],
        deadline=_dt(row["deadline"]),
        dispatched_at=_dt(row["dispatched_at"]),
        closed_at=_dt(row["closed_at"]),
        rework_count=row["rework_count"],
        parked_from=row["parked_from"],
        version=row["version"],
    )


def _dt(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


_UNIT_KNOWN = sa.text(
    "SELECT (SELECT COUNT(*) FROM units WHERE name = :u), (SELECT COUNT(*) FROM users WHERE unit = :u)"
)


def _check_unit(conn: sa.Connection, unit: str) -> None:
    known = conn.execute(_UNIT_KNOWN, {"u": unit}).one()
    if not known[0]:
        raise WorkflowError(f"责任单位 “{unit}” 不在单位名录中，不能派遣；请从名录中选择，或请管理员先登记该单位。")
    if not known[1]:
        raise WorkflowError(f"责任单位 “{unit}” 还没有任何账号，派遣后无人能接收；请管理员先为该单位创建账号。")


def move(
    conn: sa.Connection,
    actor: Actor,
    case_id: int,
    action: str,
    *,
    expected_version: int,
    at: datetime,
    note: str = "",
    unit: str | None = None,
    deadline: datetime | None = None,
    address: str | None = None,
) -> Case:
    """Make one workflow move inside the caller's transaction (see :func:`transition`)."""
    case = read_case(conn, case_id, lock=True)
    if case.version != expected_version:
        raise _stale(case_id, expected_version, case.version)
    new, event = apply(case, actor, action, at=at, note=note, unit=unit, deadline=deadline)
    if action == "dispatch":
        assert new.unit is not None  # the workflow refuses a dispatch without a unit
        _check_unit(conn, new.unit)
    fixed = 1 if action == "report_fix" else 0
    result = conn.execute(
        _UPDATE_CASE,
        {
            "state": new.state,
            "unit": new.unit,
            "deadline": new.deadline,
            "dispatched_at": new.dispatched_at,
            "closed_at": new.closed_at,
            "rework": new.rework_count,
            "fixed": fixed,
            "parked_from": new.parked_from,
            "new_version": new.version,
            "id": case_id,
            "version": case.version,
        },
    )
    if result.rowcount != 1:
        raise _stale(case_id, expected_version)
    _write_event(
        conn,
        case_id,
        event.action,
        event.from_state,
        event.to_state,
        event.actor,
        event.at,
        event.note,
        event.extra,
        address,
    )
    return new


def transition(
    engine: sa.Engine,
    actor: Actor,
    case_id: int,
    action: str,
    *,
    expected_version: int,
    at: datetime,
    note: str = "",
    unit: str | None = None,
    deadline: datetime | None = None,
    address: str | None = None,
) -> Case:
    """Make one workflow move as one transaction; refuse a stale version or a forbidden move."""
    with writing(engine) as conn:
        return move(
            conn,
            actor,
            case_id,
            action,
            expected_version=expected_version,
            at=at,
            note=note,
            unit=unit,
            deadline=deadline,
            address=address,
        )


def read_cases(engine: sa.Engine, actor: Actor | None = None) -> pd.DataFrame:
    """The cases this actor may see (a 责任单位 sees only its own unit's; ``None``: all, for
    figures that pages compute for everyone)."""
    query = "SELECT * FROM cases"
    params: dict = {}
    if actor is not None and actor.role == UNIT:
        query += " WHERE unit = :unit"
        params["unit"] = actor.unit
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text(query + " ORDER BY id"), conn, params=params)
    for column in CASE_TIME_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], format="ISO8601")
    return frame


def read_events(engine: sa.Engine, case_id: int | None = None) -> pd.DataFrame:
    query, params = "SELECT * FROM events", {}
    if case_id is not None:
        query += " WHERE case_id = :c"
        params["c"] = case_id
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text(query + " ORDER BY id"), conn, params=params)
    frame["at"] = pd.to_datetime(frame["at"], format="ISO8601")
    return frame


def read_categories(engine: sa.Engine) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(sa.text("SELECT code, name, kind FROM categories ORDER BY code"), conn)


def add_category(
    engine: sa.Engine, actor: Actor, *, code: str, name: str, kind: str, address: str | None = None
) -> None:
    """A new 部件/事件 category (系统管理员 only)."""
    from chuangcheng.store import audit

    require(actor, "category.add")
    code, name = str(code).strip(), str(name).strip()
    if not (code.isdigit() and len(code) == 4 and name and kind in ("部件", "事件")):
        raise WorkflowError("编码应为 4 位数字，名称不能为空，类型为部件或事件。")
    with writing(engine) as conn:
        if conn.execute(sa.text("SELECT 1 FROM categories WHERE code = :c"), {"c": code}).first():
            raise WorkflowError(f"编码 {code} 已存在。")
        conn.execute(
            sa.text("INSERT INTO categories (code, name, kind) VALUES (:c, :n, :k)"), {"c": code, "n": name, "k": kind}
        )
        audit.record(
            conn,
            actor=actor.username,
            action="category_add",
            target=code,
            address=address,
            detail={"name": name, "kind": kind},
        )
        changes.bump(conn, "settings")
