import math

import pandas as pd

from chuangcheng.geo import kpi


def _points():
    # Street 001: 2 passed, 1 failed, 1 not inspected; 002: 1 failed; 003: nothing inspected.
    return pd.DataFrame(
        {
            "street_code": ["001", "001", "001", "001", "002", "003"],
            "latest_result": ["达标", "达标", "不达标", "未测评", "不达标", "未测评"],
            "open_problems": [0, 1, 3, 0, 2, 0],
        }
    )


STREETS = pd.DataFrame({"street_code": ["001", "002", "003", "004"], "street_name": ["甲", "乙", "丙", "丁"]})
# Ledger cases located in the streets: 001 has 2 open (上报, 挂账) and 2 finished; 002 one open.
CASES = pd.DataFrame(
    {
        "street_code": ["001", "001", "001", "001", "002", "002"],
        "state": ["上报", "挂账", "结案", "作废", "整改中", "不予立案"],
    }
)


def test_pass_rate_excludes_points_not_inspected():
    rate = kpi.inspection_pass_rate(_points())
    assert (rate.numerator, rate.denominator) == (2, 4)
    assert rate.value == 0.5 and rate.percent_text() == "50.0%"


def test_empty_ratio_is_a_dash_not_zero():
    rate = kpi.inspection_pass_rate(_points().iloc[0:0])
    assert rate.value is None and rate.percent_text() == "—"


def test_open_problems_and_parking_progress():
    assert kpi.open_problems(CASES) == 3  # 上报, 挂账 and 整改中 are not fixed yet
    sections = pd.DataFrame({"planned_bays": [100, 50, 10], "painted_bays": [20, 50, 0]})
    progress = kpi.parking_progress(sections)
    assert (progress.numerator, progress.denominator) == (70, 160)
    assert progress.percent_text() == "43.8%"


def test_count_by_keeps_order_and_zeros():
    frame = pd.DataFrame({"kind": ["移动公厕", "固定公厕", "固定公厕"]})
    counts = kpi.count_by(frame, "kind", ("固定公厕", "移动公厕", "共享卫生间"))
    assert counts == {"固定公厕": 2, "移动公厕": 1, "共享卫生间": 0, "未分类": 0}
    assert kpi.breakdown_text(counts, {"固定公厕": "固定"}) == "固定 2 · 移动公厕 1 · 共享卫生间 0"
    imported = pd.DataFrame({"kind": ["固定公厕", None, "流动厕所"]})  # no type, an unknown type
    counts = kpi.count_by(imported, "kind", ("固定公厕", "移动公厕"))
    assert counts["未分类"] == 2 and sum(counts.values()) == len(imported)
    assert kpi.breakdown_text(counts).endswith("未分类 2")


def _ranking(points, cases=CASES, streets=STREETS):
    return kpi.area_ranking(points, cases, streets, code_col="street_code", name_col="street_name")


def test_street_ranking_exact():
    table = _ranking(_points())
    assert table["code"].tolist() == ["001", "002", "003", "004"]
    assert table["name"].tolist() == ["甲", "乙", "丙", "丁"]
    assert table["rank"].tolist()[:2] == [1, 2]
    assert table["rank"].isna().tolist() == [False, False, True, True]
    assert table.loc[0, ["measured", "passed", "open_problems"]].tolist() == [3, 2, 2]
    assert table["open_problems"].tolist() == [2, 1, 0, 0]
    assert math.isclose(table.loc[0, "pass_rate"], 2 / 3)
    assert table.loc[1, "pass_rate"] == 0.0
    assert math.isnan(table.loc[2, "pass_rate"])


def test_street_ranking_ties_break_on_fewer_open_problems():
    points = pd.DataFrame({"street_code": ["001", "002"], "latest_result": ["达标", "达标"], "open_problems": [0, 0]})
    table = _ranking(points, streets=STREETS.iloc[:2])
    assert table["code"].tolist() == ["002", "001"]  # equal rates; 002 has 1 open case, 001 has 2


def _areas(results: dict[str, list[str]]):
    """Areas named by code, each with its points' latest results; no cases."""
    codes = list(results)
    points = pd.DataFrame(
        [(code, r) for code, rs in results.items() for r in rs], columns=["street_code", "latest_result"]
    )
    streets = pd.DataFrame({"street_code": codes, "street_name": codes})
    cases = pd.DataFrame({"street_code": pd.Series(dtype=str), "state": pd.Series(dtype=str)})
    return points, cases, streets


def test_an_area_with_too_few_inspections_is_not_ranked():
    # A: 1 of 1 (100 %), B: 3 of 4, C: 1 of 3, D: none — hand-computed, minimum 3 points.
    points, cases, streets = _areas(
        {"A": ["达标"], "B": ["达标", "达标", "达标", "不达标"], "C": ["达标", "不达标", "不达标"], "D": ["未测评"]}
    )
    table = kpi.area_ranking(points, cases, streets, code_col="street_code", name_col="street_name", min_measured=3)
    assert table["code"].tolist() == ["B", "C", "A", "D"]
    assert table["rank"].tolist()[:2] == [1, 2] and table["rank"].isna().tolist() == [False, False, True, True]
    assert kpi.podium_tags(table).tolist() == ["红榜", "黑榜", "", ""]
    loose = kpi.area_ranking(points, cases, streets, code_col="street_code", name_col="street_name")
    assert loose["code"].tolist()[:3] == ["A", "B", "C"]  # without the minimum A would top it


def test_ties_share_a_rank_and_are_never_split_between_red_and_black():
    points, cases, streets = _areas({"A": ["达标", "达标"], "B": ["达标", "达标"]})
    table = kpi.area_ranking(points, cases, streets, code_col="street_code", name_col="street_name")
    assert table["rank"].tolist() == [1, 1]
    assert kpi.podium_tags(table).tolist() == ["红榜", "红榜"]  # one tie: no 黑榜 at all


def test_podium_of_three_with_ties_at_both_ends():
    # Ten areas by pass rate (2 points each → 100 %, 50 % or 0 %):
    # 100 %: A B C D (tied 1st) · 50 %: E F G · 0 %: H I J (tied 8th).
    full, half, none = ["达标", "达标"], ["达标", "不达标"], ["不达标", "不达标"]
    results = {**{c: full for c in "ABCD"}, **{c: half for c in "EFG"}, **{c: none for c in "HIJ"}}
    table = kpi.area_ranking(*_areas(results), code_col="street_code", name_col="street_name")
    assert table["rank"].tolist() == [1, 1, 1, 1, 5, 5, 5, 8, 8, 8]
    tags = dict(zip(table["code"], kpi.podium_tags(table)))
    assert [c for c, t in tags.items() if t == "红榜"] == list("ABCD")  # a tie on the podium all goes up
    assert [c for c, t in tags.items() if t == "黑榜"] == list("HIJ")
    assert kpi.podium_size(10) == 3 and kpi.podium_size(8) == 1 and kpi.podium_size(1) == 0
