"""First-run setup of the embedded ledger: categories, demo accounts and a GENERATED ledger.

The generated cases are placed at the demo city's inspection points and follow the workflow
step by step (through ``store.transition``), so their history is as consistent as real use.
Demo account passwords are printed in the README; change them before real use.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from geo.ledger import store
from geo.ledger.workflow import ADMIN, INSPECTOR, LEADER, UNIT, Actor, allowed_actions, MOVES

CATEGORIES_PATH = Path(__file__).resolve().parents[2] / "data" / "ledger_categories.csv"
DEMO_PASSWORD = "chuangcheng-2026"


def load_categories(engine: sa.Engine, path: Path = CATEGORIES_PATH) -> int:
    table = pd.read_csv(path, dtype=str)
    with engine.begin() as conn:
        existing = {r[0] for r in conn.execute(sa.text("SELECT code FROM categories"))}
        for row in table.itertuples(index=False):
            if row.code not in existing:
                conn.execute(sa.text("INSERT INTO categories (code, name, kind) VALUES (:c, :n, :k)"),
                             {"c": row.code, "n": row.name, "k": row.kind})
    return len(table)


def seed_demo(engine: sa.Engine, points: pd.DataFrame, *, as_of: datetime, seed: int = 7,
              n_cases: int = 160) -> dict:
    """Accounts for each role and ``n_cases`` generated cases over the 60 days before ``as_of``."""
    rng = np.random.default_rng(seed)
    load_categories(engine)
    units = sorted(points["responsible_unit"].dropna().unique().tolist())
    accounts = [("leader", LEADER, None), ("inspector", INSPECTOR, None), ("admin", ADMIN, None)]
    accounts += [(f"unit{i + 1:02d}", UNIT, u) for i, u in enumerate(units[:6])]
    for username, role, unit in accounts:
        store.create_user(engine, username, DEMO_PASSWORD, role=role, unit=unit,
                          display_name=unit or username)
    inspector = Actor("inspector", INSPECTOR)
    unit_actors = {u: Actor(f"unit{i + 1:02d}", UNIT, u) for i, u in enumerate(units[:6])}
    codes = pd.read_csv(CATEGORIES_PATH, dtype=str)["code"].tolist()
    start = as_of - timedelta(days=60)
    for k in range(n_cases):
        p = points.iloc[int(rng.integers(len(points)))]
        unit = units[int(rng.integers(min(6, len(units))))]
        at = start + timedelta(days=float(rng.uniform(0, 55)))
        cid = store.create_case(
            engine, inspector, title=f"{p['point_name']}：{rng.choice(['店外经营', '车辆乱停', '公厕无指示牌', '垃圾堆放'])}",
            source=str(rng.choice(store.SOURCES)), at=at, category_code=str(rng.choice(codes)),
            lon=float(p.geometry.x), lat=float(p.geometry.y), point_id=p["point_id"],
            area={"street_code": p["street_code"], "community_code": p["community_code"],
                  "grid_code": p["grid_code"]}, description="生成的示范案件")
        case = store.read_case(engine, cid)
        steps = int(rng.integers(1, 12))
        for _ in range(steps):
            at = at + timedelta(hours=float(rng.uniform(2, 60)))
            if at >= as_of:
                break
            actor = unit_actors[unit] if case.state in ("已派遣", "整改中") else inspector
            options = [a for a in allowed_actions(case, actor) if a not in ("void", "decline", "park", "resume")
                       or rng.random() < 0.05]
            if not options:
                break
            action = "verify_fail" if "verify_fail" in options and rng.random() < 0.2 else \
                ("verify_pass" if "verify_pass" in options else str(rng.choice(options)))
            kwargs = {"note": "生成的处置说明"} if MOVES[action].needs_note else {}
            if action == "dispatch":
                kwargs.update(unit=unit, deadline=at + timedelta(days=float(rng.choice([3, 5, 7, 10]))))
            case = store.transition(engine, actor, cid, action, expected_version=case.version, at=at, **kwargs)
    return {"accounts": [a[0] for a in accounts], "cases": n_cases}


def ensure_ledger(url: str, points: pd.DataFrame, *, as_of: datetime) -> sa.Engine:
    """The ledger database, created, migrated and seeded on first use."""
    engine = store.connect(url)
    store.migrate(engine)
    with engine.connect() as conn:
        has_users = conn.execute(sa.text("SELECT COUNT(*) FROM users")).scalar()
    if not has_users:
        seed_demo(engine, points, as_of=as_of)
    return engine
