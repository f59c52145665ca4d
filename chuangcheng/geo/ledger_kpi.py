"""The figures leaders use for the problem ledger, as real cities report them.

应结案数 (the denominator) counts the cases dispatched whose deadline falls on or before the
reporting date; 结案率 = 结案数 / 应结案数 and 按期结案率 = 按期结案数 / 应结案数 (e.g. 911/972 =
93.72 %, 737/972 = 75.82 %). 返工率 = 返工次数 / 处置数 (处置数: the cases that reached 整改反馈 at
least once; the formula is not confirmed in a standard and is labelled so). Overdue: dispatched,
not closed, deadline passed. Average handling time: 派遣 → 结案 in days.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from chuangcheng.geo.kpi import Ratio
from chuangcheng.geo.workflow import CLOSED, FINAL_STATES, PARKED

REWORK_NOTE = "返工率 = 返工次数 / 处置数（公式来自地方实践，标准中未核实）"


def is_overdue(cases: pd.DataFrame, as_of: datetime) -> pd.Series:
    """超期: dispatched, not finished (结案/作废/不予立案), and the deadline has passed."""
    return (
        cases["dispatched_at"].notna()
        & ~cases["state"].isin(FINAL_STATES)
        & cases["deadline"].notna()
        & (cases["deadline"] < as_of)
    )


def ledger_figures(cases: pd.DataFrame, *, as_of: datetime) -> dict:
    """Figures over a cases table with columns state, deadline, dispatched_at, closed_at,
    rework_count, fixed_count (times the case reached 整改反馈)."""
    dispatched = cases["dispatched_at"].notna()
    due = dispatched & cases["deadline"].notna() & (cases["deadline"] <= as_of)
    closed = cases["state"] == CLOSED
    on_time = closed & cases["closed_at"].notna() & (cases["closed_at"] <= cases["deadline"])
    overdue = is_overdue(cases, as_of)
    handled = cases["fixed_count"] > 0
    hours = cases.loc[closed & dispatched, "closed_at"] - cases.loc[closed & dispatched, "dispatched_at"]
    days = hours.dt.total_seconds() / 86400 if len(hours) else pd.Series(dtype=float)
    return {
        "due": int(due.sum()),
        "closing_rate": Ratio(int((due & closed).sum()), int(due.sum())),
        "on_time_rate": Ratio(int((due & on_time).sum()), int(due.sum())),
        "rework_rate": Ratio(int(cases["rework_count"].sum()), int(handled.sum())),
        "overdue": int(overdue.sum()),
        "parked": int((cases["state"] == PARKED).sum()),
        "open": int((~cases["state"].isin(FINAL_STATES)).sum()),
        "avg_handling_days": float(days.mean()) if len(days) else float("nan"),
    }


def figures_by(cases: pd.DataFrame, key: str, *, as_of: datetime) -> pd.DataFrame:
    """The figures per 街道/社区/网格/责任单位 (``key`` column), best 按期结案率 first."""
    rows = []
    for value, group in cases.groupby(key, dropna=True):
        f = ledger_figures(group, as_of=as_of)
        rows.append(
            {
                key: value,
                "应结案数": f["due"],
                "结案数": f["closing_rate"].numerator,
                "按期结案数": f["on_time_rate"].numerator,
                "结案率": f["closing_rate"].value,
                "按期结案率": f["on_time_rate"].value,
                "返工次数": f["rework_rate"].numerator,
                "超期": f["overdue"],
                "平均处置天数": f["avg_handling_days"],
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.sort_values(
        ["按期结案率", "结案率", key], ascending=[False, False, True], na_position="last"
    ).reset_index(drop=True)


def red_black(table: pd.DataFrame, *, podium: int | None = 3, min_due: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """红榜 (best by 按期结案率, then 结案率) and 黑榜 (worst), among rows with at least
    ``min_due`` cases due. Equal rates share a place and a tie is never split between the two
    lists (the rule of ``geo.kpi.podium_tags``); ``podium=None`` sizes it by the count ranked."""
    from chuangcheng.geo.kpi import competition_ranks, podium_tags

    if table.empty:
        return table, table
    ranked = table[table["应结案数"] >= max(int(min_due), 1)].reset_index(drop=True)
    keys = list(zip(ranked["按期结案率"].fillna(-1.0), ranked["结案率"].fillna(-1.0)))  # best first (figures_by)
    ranked = ranked.assign(rank=pd.array(competition_ranks(keys), dtype="Int64"))
    tags = podium_tags(ranked, podium)
    red = ranked[tags == "红榜"].drop(columns="rank")
    black = ranked[tags == "黑榜"].drop(columns="rank").iloc[::-1]
    return red, black


def daily_progress(events: pd.DataFrame, *, start: datetime, end: datetime) -> pd.DataFrame:
    """Cumulative cases dispatched and closed per day (for the progress chart)."""
    days = pd.date_range(start.date(), end.date(), freq="D")
    out = pd.DataFrame({"date": days})
    for action, column in (("dispatch", "dispatched"), ("verify_pass", "closed")):
        at = pd.to_datetime(events.loc[events["action"] == action, "at"], format="ISO8601").dt.normalize()
        counts = at.value_counts().reindex(days, fill_value=0).sort_index()
        out[column] = np.cumsum(counts.to_numpy())
    return out
