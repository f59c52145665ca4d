"""The problem ledger's map layer: overdue cases stand out, others take their state's colour.

Which case is overdue is written into the fixture by hand (dispatched, open and past its
deadline on AS_OF), not computed with the rule under test."""

from datetime import datetime

import pandas as pd

from chuangcheng.layers.ledger import OVERDUE_COLOR, STATE_COLORS, cases_frame, legend_section, to_feature_group
from tests.layers.helpers import EVIL, geojson_children, rendered

AS_OF = datetime(2026, 11, 20, 12, 0)


def _cases() -> pd.DataFrame:
    d = lambda day, hour=12: datetime(2026, 11, day, hour)  # noqa: E731
    rows = [  # id, state, dispatched, deadline, overdue on AS_OF (by hand)
        ("C1", "整改中", d(1), d(10), True),  # open, deadline passed
        ("C2", "整改中", d(1), d(25), False),  # open, deadline ahead
        ("C3", "结案", d(1), d(10), False),  # finished before being judged
        ("C4", "挂账", d(2), d(20, 11), True),  # parked, deadline an hour ago
        ("C5", "上报", None, None, False),  # never dispatched
        ("C6", "已派遣", d(3), d(20, 13), False),  # deadline in an hour
        ("C7", "作废", d(3), d(5), False),  # void: never overdue
    ]
    frame = pd.DataFrame(rows, columns=["id", "state", "dispatched_at", "deadline", "expected_overdue"])
    return frame.assign(
        dispatched_at=pd.to_datetime(frame["dispatched_at"]),
        deadline=pd.to_datetime(frame["deadline"]),
        title=EVIL,
        unit="城管局",
        rework_count=0,
        source="测试",
        lon=[113.30 + 0.001 * i for i in range(len(rows))],
        lat=40.09,
    )


def _styles(group) -> dict[str, dict]:
    (layer,) = geojson_children(group)
    return {f["properties"]["id"]: layer.style_function(f) for f in layer.data["features"]}


def test_overdue_cases_are_red_with_a_black_ring_and_larger():
    cases = _cases()
    styles = _styles(to_feature_group(cases_frame(cases, as_of=AS_OF)))
    for row in cases.itertuples():
        style = styles[row.id]
        if row.expected_overdue:
            assert (style["fillColor"], style["color"], style["radius"]) == (OVERDUE_COLOR, "#000000", 9), row.id
        else:
            assert (style["fillColor"], style["color"], style["radius"]) == (STATE_COLORS[row.state], "#ffffff", 7), (
                row.id
            )


def test_the_legend_counts_overdue_cases_and_states_present():
    section = legend_section(cases_frame(_cases(), as_of=AS_OF))
    labels = [item.label for item in section.items]
    assert labels == ["上报（1）", "已派遣（1）", "整改中（2）", "结案（1）", "挂账（1）", "作废（1）", "超期（2）"]


def test_cases_without_a_place_are_left_off_and_titles_are_escaped():
    cases = _cases()
    cases.loc[cases["id"] == "C2", ["lon", "lat"]] = None
    group = to_feature_group(cases_frame(cases, as_of=AS_OF))
    assert set(_styles(group)) == {"C1", "C3", "C4", "C5", "C6", "C7"}
    assert "<script>alert" not in rendered(group)
