"""Figures derived from records, on a tiny fixture with a known history and hand-computed answers.

The story (all in November 2026):
  point P1: inspected 3rd (达标), 10th (不达标, opens case 1); P2: inspected 5th (不达标, case 2);
  P3: never inspected.
  case 1: reported 10th 09:00, registered 10th 10:00, dispatched 10th 11:00 to 城管局 with a
          deadline of the 15th 11:00, fixed 12th, check failed 13th (返工), fixed 14th, closed 16th.
  case 2: reported 5th 09:00, voided 6th.
  case 3: reported 12th 08:00 at no point, still 上报.
  section S1: 10 bays painted on the 2nd, 5 on the 20th; S2: none.
"""

from datetime import datetime

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from chuangcheng.geo import cityview, kpi, ledger_kpi


def at(day: int, hour: int = 0) -> pd.Timestamp:
    return pd.Timestamp(2026, 11, day, hour)


POINTS = gpd.GeoDataFrame({"point_id": ["P1", "P2", "P3"]}, geometry=[shapely.Point(0, 0)] * 3, crs="EPSG:4326")
INSPECTIONS = pd.DataFrame(
    {
        "id": [1, 2, 3],
        "point_id": ["P1", "P1", "P2"],
        "inspected_at": [at(3), at(10), at(5)],
        "result": ["达标", "不达标", "不达标"],
    }
)
CASES = pd.DataFrame(
    {
        "id": [1, 2, 3],
        "title": ["P1：无指示牌（不符合）", "P2：有异味", "随手拍：垃圾"],
        "point_id": ["P1", "P2", None],
        # the table's own columns hold today's state; the replay must not read them
        "state": ["结案", "作废", "上报"],
        "unit": ["城管局", None, None],
        "deadline": [at(15, 11), pd.NaT, pd.NaT],
        "dispatched_at": [at(10, 11), pd.NaT, pd.NaT],
        "closed_at": [at(16), pd.NaT, pd.NaT],
        "rework_count": [1, 0, 0],
        "fixed_count": [2, 0, 0],
        "parked_from": [None] * 3,
        "version": [8, 2, 1],
        "reported_at": [at(10, 9), at(5, 9), at(12, 8)],
    }
)
EVENTS = pd.DataFrame(
    [
        (1, 1, "report", "", "上报", at(10, 9), "{}"),
        (2, 1, "register", "上报", "立案", at(10, 10), "{}"),
        (3, 1, "dispatch", "立案", "已派遣", at(10, 11), '{"unit": "城管局", "deadline": "2026-11-15T11:00:00"}'),
        (4, 1, "start", "已派遣", "整改中", at(11), "{}"),
        (5, 1, "report_fix", "整改中", "整改反馈", at(12), "{}"),
        (6, 1, "verify_fail", "整改反馈", "整改中", at(13), "{}"),
        (7, 1, "report_fix", "整改中", "整改反馈", at(14), "{}"),
        (8, 1, "verify_pass", "整改反馈", "结案", at(16), "{}"),
        (9, 2, "report", "", "上报", at(5, 9), "{}"),
        (10, 2, "void", "上报", "作废", at(6), "{}"),
        (11, 3, "report", "", "上报", at(12, 8), "{}"),
    ],
    columns=["id", "case_id", "action", "from_state", "to_state", "at", "extra"],
)
SECTIONS = gpd.GeoDataFrame(
    {"section_id": ["S1", "S2"], "planned_bays": [40, 10]},
    geometry=[shapely.LineString([(0, 0), (0.01, 0)])] * 2,
    crs="EPSG:4326",
)
PAINT = pd.DataFrame({"section_id": ["S1", "S1"], "painted_on": [at(2), at(20)], "bays": [10, 5]})


def _state(day, hour=23):
    cases = cityview.cases_as_of(CASES, EVENTS, at(day, hour))
    points = cityview.points_as_of(POINTS, INSPECTIONS, cases, at(day, hour)).set_index("point_id")
    return cases.set_index("id"), points


def test_on_the_4th_one_point_passed_and_nothing_was_reported():
    cases, points = _state(4)
    assert cases.empty
    assert points["latest_result"].tolist() == ["达标", "未测评", "未测评"]
    assert points.loc["P1", "latest_check_date"] == "2026-11-03" and points["open_problems"].sum() == 0
    assert kpi.inspection_pass_rate(points.reset_index()).percent_text() == "100.0%"


def test_on_the_13th_case_1_is_being_reworked_and_case_2_was_voided():
    cases, points = _state(13, 12)
    assert cases.loc[1, "state"] == "整改中" and cases.loc[1, "rework_count"] == 1
    assert cases.loc[1, "fixed_count"] == 1 and cases.loc[1, "version"] == 6
    assert cases.loc[1, "unit"] == "城管局" and cases.loc[1, "deadline"] == at(15, 11)
    assert pd.isna(cases.loc[1, "closed_at"])
    assert cases.loc[2, "state"] == "作废" and cases.loc[3, "state"] == "上报"
    assert points["latest_result"].tolist() == ["不达标", "不达标", "未测评"]
    assert points["open_problems"].tolist() == [1, 0, 0]  # case 2 (P2) was voided
    assert points.loc["P1", "problem_summary"] == "无指示牌（不符合）"
    assert kpi.open_problems(cases) == 2  # case 1 and case 3
    figures = ledger_kpi.ledger_figures(cases, as_of=at(13, 12))
    assert figures["due"] == 0 and figures["overdue"] == 0


def test_on_the_15th_evening_case_1_is_overdue_and_on_the_17th_closed_late():
    cases, _ = _state(15, 20)
    figures = ledger_kpi.ledger_figures(cases, as_of=at(15, 20))
    assert (figures["due"], figures["overdue"], figures["closing_rate"].numerator) == (1, 1, 0)
    cases, points = _state(17)
    figures = ledger_kpi.ledger_figures(cases, as_of=at(17))
    assert cases.loc[1, "state"] == "结案" and cases.loc[1, "closed_at"] == at(16)
    assert figures["closing_rate"].percent_text() == "100.0%"
    assert figures["on_time_rate"].percent_text() == "0.0%"  # closed on the 16th, due the 15th
    assert figures["rework_rate"].numerator == 1 and points["open_problems"].sum() == 0


def test_after_the_last_event_the_replay_equals_the_table():
    cases, _ = _state(30)
    columns = ["state", "unit", "deadline", "dispatched_at", "closed_at", "rework_count", "fixed_count", "version"]
    replayed = cases[columns].sort_index().astype(object)
    table = CASES.set_index("id")[columns].sort_index().astype(object)
    assert replayed.where(replayed.notna(), None).values.tolist() == table.where(table.notna(), None).values.tolist()


def test_painted_bays_are_the_sum_of_records_up_to_the_day():
    assert cityview.painted_as_of(SECTIONS, PAINT, at(1))["painted_bays"].tolist() == [0, 0]
    assert cityview.painted_as_of(SECTIONS, PAINT, at(19))["painted_bays"].tolist() == [10, 0]
    assert cityview.painted_as_of(SECTIONS, PAINT, at(20))["painted_bays"].tolist() == [15, 0]


def test_daily_progress_counts_found_and_finished_so_the_gap_is_open():
    progress = cityview.daily_progress(
        PAINT, EVENTS, planned_bays=50, start=datetime(2026, 11, 4), end=datetime(2026, 11, 17)
    ).set_index("date")
    assert progress.loc["2026-11-04"].tolist() == [10, 50, 0, 0]  # painted on the 2nd counts from the start
    assert progress.loc["2026-11-05", "problems_found"] == 1
    assert progress.loc["2026-11-06", "problems_closed"] == 1  # voided: finished, not open
    assert progress.loc["2026-11-12", "problems_found"] == 3
    assert progress.loc["2026-11-16"].tolist() == [10, 50, 3, 2]
    gap = progress["problems_found"] - progress["problems_closed"]
    open_on_the_16th = kpi.open_problems(cityview.cases_as_of(CASES, EVENTS, at(16, 23)))
    assert gap.loc["2026-11-16"] == open_on_the_16th == 1


def test_areas_come_from_where_features_lie(two_grids):
    admin = gpd.GeoDataFrame(
        {"adcode": ["140213"], "name": ["平城区"], "level": ["district"]},
        geometry=[shapely.box(113.29, 40.08, 113.33, 40.11)],
        crs="EPSG:4326",
    )
    streets = two_grids[["street_code", "street_name", "geometry"]].assign(district_code="140213")
    communities = two_grids[["community_code", "community_name", "street_code", "geometry"]]
    grids = two_grids[["grid_code", "grid_name", "community_code", "geometry"]]
    levels = cityview.hierarchy(admin, streets, communities, grids)
    assert levels["grids"]["street_name"].tolist() == ["甲街道", "乙街道"]
    assert levels["grids"]["district_name"].tolist() == ["平城区", "平城区"]
    assert levels["streets"]["area_m2"].iloc[0] == pytest.approx(0.01 * 111_320 * 0.01 * 85_200, rel=0.02)
    toilets = gpd.GeoDataFrame(
        {"toilet_id": ["A", "B", "C"]},
        geometry=[shapely.Point(113.305, 40.095), shapely.Point(113.315, 40.095), shapely.Point(113.5, 40.5)],
        crs="EPSG:4326",
    )
    located = cityview.locate(toilets, levels["grids"])
    assert located["grid_code"].tolist()[:2] == ["140213001001001", "140213002001001"]
    assert located["district_code"].tolist()[:2] == ["140213", "140213"] and pd.isna(located["grid_code"].iloc[2])
