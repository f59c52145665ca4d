"""AppTest of the 作战挂图 page on the generated demo city."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import kpi
from geo.areas import AreaFilter, filter_area

TIMEOUT_S = 120
ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "views" / "battle_map.py")


@pytest.fixture
def app(demo_city_path, monkeypatch):
    monkeypatch.setenv("CHUANGCHENG_CITY_DATA", str(demo_city_path))
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    return AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)


def _html(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_page_renders_title_tiles_and_ranking(app, demo_city):
    frames, _ = demo_city
    at = app.run()
    assert not at.exception
    page = _html(at)
    assert "大同市平城区 创城作战图" in page and "示范数据（程序生成）" in page
    rate = kpi.inspection_pass_rate(frames["inspection_points"])
    assert rate.percent_text() in page
    assert f"达标 {rate.numerator} / 已测评 {rate.denominator}" in page
    assert "已施划 3,962 / 规划 19,116 个" in page
    assert f">{len(frames['public_toilets'])}<" in page
    assert "街道测评达标率排名" in page and "红榜" in page


def test_street_filter_recomputes_the_figures(app, demo_city):
    frames, _ = demo_city
    at = app.run()
    code = frames["streets"]["street_code"].iloc[5]
    at.selectbox(key="street").select(code).run()
    assert not at.exception
    part = filter_area(frames["inspection_points"], AreaFilter(street_code=code))
    rate = kpi.inspection_pass_rate(part)
    assert f"达标 {rate.numerator} / 已测评 {rate.denominator}" in _html(at)
    assert at.selectbox(key="community") is not None
    community = frames["communities"][frames["communities"]["street_code"] == code]["community_code"].iloc[0]
    at.selectbox(key="community").select(community).run()
    assert not at.exception


def test_tianditu_is_offered_only_with_a_key(app, monkeypatch):
    at = app.run()
    assert "天地图 矢量" not in at.radio(key="basemap").options
    monkeypatch.setenv("TIANDITU_KEY", "0123456789abcdef0123456789abcdef")
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S).run()
    assert "天地图 矢量" in at.radio(key="basemap").options
    at.radio(key="basemap").set_value("gaode").run()
    assert not at.exception
    assert any("GCJ-02" in w.value for w in at.warning)


def test_layer_selection_and_dashboard_entry(app, demo_city_path, monkeypatch):
    at = app.run()
    at.multiselect(key="layers").set_value(["markets"]).run()
    assert not at.exception
    entry = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT_S).run()
    assert not entry.exception
    assert "创城作战图" in "\n".join(m.value for m in entry.markdown)
