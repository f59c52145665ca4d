"""KPI formulas on a ledger with known answers (the reported 911/972 and 737/972 style)."""

import math
from datetime import datetime

import pandas as pd
import pytest

from chuangcheng.geo.ledger_kpi import daily_progress, figures_by, ledger_figures, red_black

AS_OF = datetime(2026, 11, 20)


def _cases():
    d = lambda day: datetime(2026, 11, day)  # noqa: E731
    return pd.DataFrame(
        [
            # unit, state, dispatched, deadline, closed, rework, fixed
            ("A", "结案", d(1), d(5), d(4), 0, 1),  # due, closed on time
            ("A", "结案", d(1), d(5), d(8), 1, 2),  # due, closed late, one rework
            ("A", "整改中", d(2), d(10), None, 0, 0),  # due, open -> overdue
            ("B", "结案", d(3), d(25), d(6), 0, 1),  # not yet due, closed early (not counted)
            ("B", "整改反馈", d(10), d(30), None, 0, 1),  # not due
            ("B", "上报", None, None, None, 0, 0),  # never dispatched
            ("B", "挂账", d(4), d(9), None, 0, 0),  # due, parked (overdue)
        ],
        columns=["unit", "state", "dispatched_at", "deadline", "closed_at", "rework_count", "fixed_count"],
    ).assign(
        dispatched_at=lambda f: pd.to_datetime(f["dispatched_at"]),
        deadline=lambda f: pd.to_datetime(f["deadline"]),
        closed_at=lambda f: pd.to_datetime(f["closed_at"]),
    )


def test_figures_exact():
    f = ledger_figures(_cases(), as_of=AS_OF)
    assert f["due"] == 4
    assert (f["closing_rate"].numerator, f["closing_rate"].denominator) == (2, 4)
    assert (f["on_time_rate"].numerator, f["on_time_rate"].denominator) == (1, 4)
    assert (f["rework_rate"].numerator, f["rework_rate"].denominator) == (1, 4)
    assert f["overdue"] == 2 and f["parked"] == 1 and f["open"] == 4
    assert f["avg_handling_days"] == pytest.approx((3 + 7 + 3) / 3)


def test_by_unit_and_red_black():
    table = figures_by(_cases(), "unit", as_of=AS_OF)
    assert table["unit"].tolist() == ["A", "B"]
    a = table.iloc[0]
    assert (a["应结案数"], a["结案数"], a["按期结案数"], a["超期"]) == (3, 2, 1, 1)
    assert table.iloc[1]["按期结案率"] == 0.0
    red, black = red_black(table, podium=1)
    assert red["unit"].tolist() == ["A"] and black["unit"].tolist() == ["B"]


def test_empty_ledger():
    f = ledger_figures(_cases().iloc[0:0], as_of=AS_OF)
    assert f["closing_rate"].value is None and math.isnan(f["avg_handling_days"])


def test_daily_progress():
    events = pd.DataFrame(
        {
            "action": ["dispatch", "dispatch", "verify_pass"],
            "at": [datetime(2026, 11, 1, 9), datetime(2026, 11, 2, 9), datetime(2026, 11, 2, 18)],
        }
    )
    out = daily_progress(events, start=datetime(2026, 11, 1), end=datetime(2026, 11, 3))
    assert out["dispatched"].tolist() == [1, 2, 2] and out["closed"].tolist() == [0, 1, 1]


def _units(rows):
    """figures_by-shaped rows: (unit, due, closed, on time), best first as figures_by sorts them."""
    table = pd.DataFrame(rows, columns=["unit", "应结案数", "结案数", "按期结案数"])
    table["结案率"] = table["结案数"] / table["应结案数"]
    table["按期结案率"] = table["按期结案数"] / table["应结案数"]
    return table.sort_values(["按期结案率", "结案率", "unit"], ascending=[False, False, True]).reset_index(drop=True)


def test_units_with_too_few_cases_due_stay_off_the_red_and_black_lists():
    # P: 1 of 1 on time (100 %) but only one case due; Q 4/5, R 2/4, S 1/3 — minimum 3 due.
    table = _units([("P", 1, 1, 1), ("Q", 5, 5, 4), ("R", 4, 3, 2), ("S", 3, 2, 1)])
    red, black = red_black(table, podium=1, min_due=3)
    assert red["unit"].tolist() == ["Q"] and black["unit"].tolist() == ["S"]
    red, _ = red_black(table, podium=1)
    assert red["unit"].tolist() == ["P"]  # without the minimum P would top it


def test_a_tie_is_never_split_between_the_lists():
    table = _units([("A", 4, 4, 2), ("B", 4, 4, 2)])  # identical rates
    red, black = red_black(table, podium=1)
    assert sorted(red["unit"]) == ["A", "B"] and black.empty
