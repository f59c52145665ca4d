"""Writing the demo's generated records into a store through the store's own rules (GENERATED).

Inspections, their cases and every later workflow move go through ``store.inspections`` and
``store.ledger`` exactly as the pages would, so the history is as consistent as real use: each
case moves only along allowed steps, by accounts of the right role and unit. The demo accounts
share one published password; they exist only in a store the demo built.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from chuangcheng.demo.history import InspectionPlan
from chuangcheng.geo.workflow import ADMIN, AUDITOR, INSPECTOR, LEADER, MOVES, SECURITY, UNIT, Actor, allowed_actions
from chuangcheng.store import accounts, auth, inspections, ledger, painting
from chuangcheng.store.db import writing

DEMO_PASSWORD = "chuangcheng-2026"
INSPECTOR_ACTOR = Actor("inspector", INSPECTOR)
STALL_SHARE = 0.06  # chance, at each step of a unit's, that the case stalls there
OTHER_SOURCES = ("督查", "随手拍", "热线", "上级交办")
OTHER_TITLES = ("店外经营", "机动车乱停放", "非机动车乱停放", "垃圾堆放", "公益广告破损", "公厕无指示牌")


def create_accounts(engine: sa.Engine, units: pd.DataFrame, *, at: datetime) -> dict[str, str]:
    """Units registry and demo accounts: leader, inspector, admin and one per unit
    (``unit001``…, by unit name). Returns {unit name: username}. The five administrators and business accounts of the
    demo share the published password (``DEMO_PASSWORD``)."""
    shared_hash = auth.hash_password(DEMO_PASSWORD)  # one hash for all: they share the password anyway
    names = sorted(units["name"].unique())
    usernames = {name: f"unit{i + 1:03d}" for i, name in enumerate(names)}
    with writing(engine) as conn:
        accounts.add_units(conn, units.to_dict("records"), at=at)
        rows = [
            ("leader", "领导", LEADER, None),
            ("inspector", "督查受理", INSPECTOR, None),
            ("admin", "系统管理员", ADMIN, None),
            ("security", "安全管理员", SECURITY, None),
            ("auditor", "审计管理员", AUDITOR, None),
        ]
        rows += [(usernames[n], n, UNIT, n) for n in names]
        conn.execute(
            sa.text(
                "INSERT INTO users (username, display_name, role, unit, password_hash, "
                "password_changed_at) VALUES (:u, :d, :r, :unit, :h, :t)"
            ),
            [{"u": u, "d": d, "r": r, "unit": unit, "h": shared_hash, "t": datetime.now()} for u, d, r, unit in rows],
        )
    return usernames


def record_inspections(
    conn: sa.Connection, plans: list[InspectionPlan], areas: dict[str, dict], *, now: datetime
) -> list[tuple[int, datetime, str]]:
    """Store the inspections; returns (case id, reported at, point id) of the cases they opened."""
    opened = []
    for plan in plans:
        saved = inspections.insert_inspection(
            conn,
            INSPECTOR_ACTOR,
            point_id=plan.point_id,
            inspected_at=plan.inspected_at,
            items=[
                inspections.ItemResult(code, passed, "" if passed else "现场检查不符合", case)
                for code, passed, case in plan.items
            ],
            source="示范数据（程序生成）",
            area=areas.get(plan.point_id),
            now=now,
        )
        opened += [(cid, plan.inspected_at, plan.point_id) for cid in saved.case_ids]
    return opened


def record_painting(conn: sa.Connection, records: pd.DataFrame, *, now: datetime) -> int:
    for row in records.itertuples(index=False):
        painting.insert_painting(
            conn,
            INSPECTOR_ACTOR,
            section_id=row.section_id,
            painted_on=row.painted_on,
            bays=int(row.bays),
            note="示范数据（程序生成）",
            source="示范数据（程序生成）",
            now=now,
        )
    return len(records)


def open_other_cases(
    conn: sa.Connection,
    points: pd.DataFrame,
    areas: dict[str, dict],
    *,
    n: int,
    start: datetime,
    end: datetime,
    rng: np.random.Generator,
) -> list[tuple[int, datetime, str]]:
    """Cases from 督查, 随手拍, 热线 and 上级交办 near inspection points (half linked to the point)."""
    opened = []
    span_s = (end - start).total_seconds()
    for _ in range(n):
        p = points.iloc[int(rng.integers(len(points)))]
        at = (start + timedelta(seconds=float(rng.random() * span_s))).replace(microsecond=0)
        linked = bool(rng.random() < 0.5)
        cid = ledger.insert_case(
            conn,
            INSPECTOR_ACTOR,
            title=f"{p['point_name']}附近：{rng.choice(OTHER_TITLES)}",
            source=str(rng.choice(OTHER_SOURCES)),
            at=at,
            description="生成的示范案件",
            lon=float(p.geometry.x) + float(rng.normal(0, 0.0008)),
            lat=float(p.geometry.y) + float(rng.normal(0, 0.0006)),
            point_id=p["point_id"] if linked else None,
            area=areas.get(p["point_id"]),
        )
        opened.append((cid, at, p["point_id"]))
    return opened


def _next_action(options: list[str], rng: np.random.Generator) -> str:
    if "verify_fail" in options:
        return "verify_fail" if rng.random() < 0.2 else "verify_pass"
    rare = {"void": 0.03, "decline": 0.03, "park": 0.02, "resume": 1.0}
    usual = [a for a in options if a not in rare]
    for action, p in rare.items():
        if action in options and rng.random() < p:
            return action
    return usual[0] if usual else options[0]


def run_workflows(
    conn: sa.Connection,
    opened: list[tuple[int, datetime, str]],
    unit_of_point: dict[str, str],
    unit_actors: dict[str, Actor],
    *,
    end: datetime,
    rng: np.random.Generator,
) -> int:
    """Move each case along the closed loop until ``end``; returns the number of moves."""
    moves = 0
    units = sorted(unit_actors)
    for cid, at, point_id in opened:
        unit = unit_of_point.get(point_id) or units[int(rng.integers(len(units)))]
        case = ledger.read_case(conn, cid)
        for _ in range(14):
            if case.state in ("已派遣", "整改中") and rng.random() < STALL_SHARE:
                break  # the unit does not act: the case stays open and runs overdue
            gap_h = float(rng.uniform(2, 72)) if case.state != "整改中" else float(rng.lognormal(np.log(24 * 2.5), 0.7))
            at = at + timedelta(hours=gap_h)
            if at >= end:
                break
            actor = unit_actors[case.unit or ""] if case.state in ("已派遣", "整改中") else INSPECTOR_ACTOR
            options = allowed_actions(case, actor)
            if not options:
                break
            action = _next_action(options, rng)
            kwargs: dict[str, Any] = {"note": "生成的处置说明"} if MOVES[action].needs_note else {}
            if action == "dispatch":
                kwargs.update(
                    unit=unit,
                    deadline=(at + timedelta(days=int(rng.choice([7, 10, 15])))).replace(
                        minute=0, second=0, microsecond=0
                    )
                    + timedelta(hours=1),
                )
            case = ledger.move(
                conn, actor, cid, action, expected_version=case.version, at=at.replace(microsecond=0), **kwargs
            )
            moves += 1
    return moves
