"""The 大屏's per-view panels: figures, 红黑榜 and headline follow the view's own area.

Expected values are counted here straight from the demo city's rows (pandas), not through
``geo.kpi``.
"""

import pytest

from chuangcheng.geo.lifecircle import CoverageRequest, analyse
from chuangcheng.geo.network import build_network
from chuangcheng.geo.standards import load_standards
from chuangcheng.geo.wallscreen import WallView, expand_views, load_wall_config
from chuangcheng.ui.wall_panels import view_contents
from tests.ui.helpers import tile_value

MIN_MEASURED = 3


@pytest.fixture(scope="module")
def coverage(demo_city):
    frames = demo_city.frames
    net = build_network(frames["walk_nodes"], frames["walk_edges"])
    return {
        "toilet_coverage": analyse(
            frames, net, load_standards(override_path=None), CoverageRequest("public_toilets", "standard")
        )
    }


def _contents(demo_city, coverage, views):
    return view_contents(views, demo_city.frames, demo_city.as_of, load_wall_config(), coverage, MIN_MEASURED)


def _rate(points) -> tuple[int, int]:
    passed = int((points["latest_result"] == "达标").sum())
    return passed, passed + int((points["latest_result"] == "不达标").sum())


def _street_places(frames, district_code: str) -> dict[str, int]:
    """Competition ranks of the 区's 街道 with ≥ MIN_MEASURED inspected points, by 达标率 then
    fewer open problems — written out plainly as the oracle."""
    points, cases = frames["inspection_points"], frames["cases"]
    open_cases = cases[~cases["state"].isin(["结案", "作废", "不予立案"])]
    rows = []
    for code in frames["streets"].loc[frames["streets"]["district_code"] == district_code, "street_code"]:
        passed, measured = _rate(points[points["street_code"] == code])
        if measured >= MIN_MEASURED:
            rows.append((code, passed / measured, int((open_cases["street_code"] == code).sum())))
    return {code: 1 + sum(1 for _, r2, o2 in rows if (r2, -o2) > (r, -o)) for code, r, o in rows}


def test_a_street_view_counts_its_own_street(demo_city, coverage):
    frames = demo_city.frames
    places = _street_places(frames, "140213")
    # the middle of nine or more ranked streets is on neither list: only the highlight adds its row
    assert len(places) >= 9
    code = sorted(places, key=places.get)[len(places) // 2]
    name = frames["streets"].set_index("street_code").loc[code, "street_name"]
    content = _contents(demo_city, coverage, [WallView("street", name, district_code="140213", street_code=code)])[0]
    passed, measured = _rate(frames["inspection_points"][frames["inspection_points"]["street_code"] == code])
    assert tile_value(content.panel_html, "测评点位达标率") == f"{passed / measured * 100:.1f}%"
    toilets = int((frames["public_toilets"]["street_code"] == code).sum())
    assert tile_value(content.panel_html, "公共厕所") == f"{toilets:,}"
    headline = dict((label, value) for value, label in content.headline)
    assert headline["测评达标率"] == f"{passed / measured * 100:.1f}%"
    assert headline["区内名次"] == f"第 {places[code]} / {len(places)}"
    assert "平城区 各街道 红黑榜" in content.panel_html
    selected = content.panel_html.split('<tr class="cc-sel">', 1)[1].split("</tr>", 1)[0]
    assert name in selected


def test_city_and_district_views_rank_what_they_contain(demo_city, coverage):
    views = expand_views(load_wall_config(), demo_city.frames["districts"], demo_city.frames["streets"])
    contents = _contents(demo_city, coverage, views)
    by_kind = {c.view.kind: c for c in contents}
    assert "各区测评达标率 红黑榜" in by_kind["city"].panel_html
    assert "平城区 各街道 红黑榜" in contents[[v.district_code for v in views].index("140213")].panel_html
    frames = demo_city.frames
    pingcheng = frames["inspection_points"][frames["inspection_points"]["district_code"] == "140213"]
    passed, measured = _rate(pingcheng)
    district = contents[[v.district_code for v in views].index("140213")]
    assert tile_value(district.panel_html, "测评点位达标率") == f"{passed / measured * 100:.1f}%"
    assert tile_value(by_kind["city"].panel_html, "测评点位达标率") != tile_value(district.panel_html, "测评点位达标率")


def test_a_coverage_view_states_its_share_and_threshold_source(demo_city, coverage):
    content = _contents(demo_city, coverage, [WallView("theme", "公厕", theme="toilet_coverage")])[0]
    compounds = coverage["toilet_coverage"].compounds
    share = compounds.loc[compounds["covered"], "population"].sum() / compounds["population"].sum()
    assert content.headline[0] == (f"{share * 100:.1f}%", "居民步行可达")
    assert "300 米" in content.note and "GB 55013-2021" in content.note


def test_names_are_escaped(demo_city, coverage):
    frames = dict(demo_city.frames)
    streets = frames["streets"].copy()
    first = streets["street_code"] == streets.loc[streets["district_code"] == "140213", "street_code"].iloc[0]
    streets.loc[first, "street_name"] = "<img src=x onerror=alert(1)>"
    frames["streets"] = streets
    code = streets.loc[first, "street_code"].iloc[0]
    content = view_contents(
        [WallView("street", "x", district_code="140213", street_code=code)],
        frames,
        demo_city.as_of,
        load_wall_config(),
        coverage,
        MIN_MEASURED,
    )[0]
    assert "<img" not in content.panel_html and "&lt;img" in content.panel_html


def test_the_wall_config_names_exactly_the_declared_tiles():
    """geo/wallscreen checks config/wall_screen.toml against its list of figure names (geo cannot
    read ui); that list and the tiles ui/figures declares are the same names."""
    from chuangcheng.geo.wallscreen import FIGURES as NAMES_THE_CONFIG_ACCEPTS
    from chuangcheng.ui.figures import BATTLE_MAP_FIGURES, FIGURES

    assert set(NAMES_THE_CONFIG_ACCEPTS) == set(FIGURES) and set(BATTLE_MAP_FIGURES) <= set(FIGURES)
