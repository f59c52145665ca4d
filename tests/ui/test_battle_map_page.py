"""AppTest of the 作战挂图 page on the demo store: city-wide figures, drill-down, layer choice,
the date control's replay, and a change in the store reaching the page."""

from datetime import date, datetime, time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chuangcheng import store
from chuangcheng.geo import kpi
from chuangcheng.geo.areas import AreaFilter, filter_area
from chuangcheng.store.city import load_city
from tests.ui.helpers import feature_count, in_script, map_script, shown

TIMEOUT_S = 120
ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "chuangcheng" / "views" / "battle_map.py")


@pytest.fixture
def app(monkeypatch):
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    return AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)


def _html(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_page_opens_on_the_city_with_a_district_ranking(app, demo_city):
    frames = demo_city.frames
    at = app.run()
    assert not at.exception
    page = _html(at)
    assert "大同市 创城作战图" in page and "示范数据（程序生成）" in page
    rate = kpi.inspection_pass_rate(frames["inspection_points"])
    assert f"达标 {rate.numerator} / 已测评 {rate.denominator}（201 个点位" in page
    assert "已施划 3,962 / 规划 19,116 个" in page
    assert f">{kpi.open_problems(frames['cases'])}<" in page  # 未整改问题 = open ledger cases
    assert f">{len(frames['public_toilets'])}<" in page
    assert "大同市 · 区测评达标率排名" in page and "红榜" in page and "黑榜" in page
    for name in frames["districts"]["district_name"]:
        assert name in page


def test_drill_down_district_street_community_grid_recomputes_everything(app, demo_city):
    frames = demo_city.frames
    at = app.run()
    at.selectbox(key="area_district").select("140213").run()
    assert not at.exception
    page = _html(at)
    assert "大同市平城区 创城作战图" in page and "大同市平城区 · 街道测评达标率排名" in page
    part = filter_area(frames["inspection_points"], AreaFilter(district_code="140213"))
    rate = kpi.inspection_pass_rate(part)
    assert f"达标 {rate.numerator} / 已测评 {rate.denominator}（87 个点位" in page
    code = frames["streets"].query("district_code == '140213'")["street_code"].iloc[5]
    at.selectbox(key="area_street").select(code).run()
    area = AreaFilter(district_code="140213", street_code=code)
    rate = kpi.inspection_pass_rate(filter_area(frames["inspection_points"], area))
    open_cases = kpi.open_problems(filter_area(frames["cases"], area))
    page = _html(at)
    assert f"达标 {rate.numerator} / 已测评 {rate.denominator}" in page and f">{open_cases}<" in page
    assert "社区测评达标率排名" in page
    community = frames["communities"].query("street_code == @code")["community_code"].iloc[0]
    at.selectbox(key="area_community").select(community).run()
    grid = frames["grids"].query("community_code == @community")["grid_code"].iloc[0]
    at.selectbox(key="area_grid").select(grid).run()
    assert not at.exception
    name = frames["grids"].set_index("grid_code").loc[grid, "grid_name"]
    assert name in _html(at) and "已选到网格" in "\n".join(shown(c) for c in at.caption)


def test_a_past_date_replays_the_records(app, demo_store_file):
    day = date(2026, 9, 1)
    engine = store.open_store(f"sqlite:///{demo_store_file}")
    then = load_city(engine, datetime.combine(day, time(23, 59, 59))).frames
    engine.dispose()
    at = app.run()
    at.date_input(key="as_of").set_value(day).run()
    assert not at.exception
    page = _html(at)
    rate = kpi.inspection_pass_rate(then["inspection_points"])
    painted = int(then["parking_sections"]["painted_bays"].sum())
    assert painted < 3962  # fewer bays were painted on that day
    assert f"达标 {rate.numerator} / 已测评 {rate.denominator}" in page
    assert f"已施划 {painted:,} / 规划 19,116 个" in page
    assert "2026-09-01（历史回放）" in page


def test_tianditu_is_offered_only_with_a_key(app, monkeypatch):
    at = app.run()
    assert "天地图 矢量" not in at.radio(key="basemap").options
    monkeypatch.setenv("TIANDITU_KEY", "0123456789abcdef0123456789abcdef")
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S).run()
    assert "天地图 矢量" in at.radio(key="basemap").options
    at.radio(key="basemap").set_value("gaode").run()
    assert not at.exception
    assert any("GCJ-02" in shown(w) for w in at.warning)


def test_layer_selection_reaches_the_map_and_dashboard_entry(app, demo_city):
    frames = demo_city.frames
    at = app.run()
    assert in_script(map_script(at), "测评点位")
    at.multiselect(key="layers").set_value(["markets"]).run()
    assert not at.exception
    script = map_script(at)
    assert in_script(script, "农贸市场") and not in_script(script, "测评点位") and not in_script(script, "公厕")
    basemap = len(frames["admin_boundaries"]) + len(frames["roads"])
    assert feature_count(script) == basemap + len(frames["markets"])
    entry = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT_S).run()
    assert not entry.exception
    assert "创城作战图" in "\n".join(m.value for m in entry.markdown)


def test_a_past_date_shows_the_layers_as_they_were(demo_store_url, monkeypatch, demo_city):
    """A layer committed today does not appear when the page replays an earlier day."""
    import geopandas as gpd
    import shapely

    from chuangcheng.store import layers

    monkeypatch.setenv("CHUANGCHENG_STORE_URL", demo_store_url)
    engine = store.open_store(demo_store_url)
    new = gpd.GeoDataFrame(
        {
            "toilet_id": ["TODAY1", "TODAY2"],
            "toilet_name": ["今天建的公厕", "今天建的公厕二"],
            "kind": ["固定公厕"] * 2,
        },
        geometry=[shapely.Point(113.3, 40.09)] * 2,
        crs="EPSG:4326",
    )
    layers.commit_layer(engine, "public_toilets", new, actor="t")
    before = len(demo_city.frames["public_toilets"])
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S).run()
    assert f">{before + 2:,}<" in _html(at)
    at.date_input(key="as_of").set_value(date(2026, 11, 1)).run()
    assert f">{before:,}<" in _html(at) and f">{before + 2:,}<" not in _html(at)
