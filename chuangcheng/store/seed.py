"""Reference tables every store needs, from the project's data tables (not code).

* ``data/ledger_categories.csv``: the 部件/事件 categories of the problem ledger;
* ``data/inspection_checklists.csv``: the 实地考察 items per 测评点位 type, each with its source
  status (``secondary``: named in the project's domain notes; ``unverified``: illustrative, to be
  checked against the city's own 操作手册 of the year).

Rows already in the store are left alone (an administrator may have edited them), so loading is
safe on every start. No accounts are created here: the demo's accounts belong to the demo
(``demo.ledger``); a real store asks for its first administrator.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from chuangcheng.paths import DATA_DIR
from chuangcheng.store.db import writing

DATA = DATA_DIR
CATEGORIES_PATH = DATA / "ledger_categories.csv"
CHECKLISTS_PATH = DATA / "inspection_checklists.csv"


def _load(conn: sa.Connection, table: str, frame: pd.DataFrame, key: list[str]) -> int:
    existing = {tuple(r) for r in conn.execute(sa.text(f"SELECT {', '.join(key)} FROM {table}"))}
    fresh = [row for row in frame.to_dict("records") if tuple(row[k] for k in key) not in existing]
    if fresh:
        cols = list(frame.columns)
        conn.execute(
            sa.text(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"), fresh
        )
    return len(fresh)


def load_reference_tables(engine: sa.Engine) -> dict[str, int]:
    """Add the categories and checklist items the store lacks; returns how many were added."""
    categories = pd.read_csv(CATEGORIES_PATH, dtype=str)[["code", "name", "kind"]]
    checklist = pd.read_csv(CHECKLISTS_PATH, dtype=str, keep_default_na=False)
    checklist = checklist[["point_type", "item_code", "item_text", "category_code", "status"]]
    # Empty cells are NULL in the store (pandas would hand the driver a float NaN).
    checklist = checklist.astype(object).where(checklist != "", None)
    with writing(engine) as conn:
        return {
            "categories": _load(conn, "categories", categories, ["code"]),
            "checklist_items": _load(conn, "checklist_items", checklist, ["point_type", "item_code"]),
        }
