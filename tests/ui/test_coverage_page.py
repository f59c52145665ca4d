"""AppTest of the 15分钟生活圈 page."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chuangcheng.geo.lifecircle import CoverageRequest, analyse
from chuangcheng.geo.network import build_network
from chuangcheng.geo.standards import load_standards
from tests.ui.helpers import shown

PAGE = str(Path(__file__).resolve().parents[2] / "chuangcheng" / "views" / "coverage.py")


@pytest.fixture
def app():
    return AppTest.from_file(PAGE, default_timeout=180)


def _text(at):
    return "\n".join(m.value for m in at.markdown) + "\n".join(shown(c) for c in at.caption)


def test_default_view_shows_threshold_source_and_exact_share(app, demo_city):
    frames = demo_city.frames
    at = app.run()
    assert not at.exception
    net = build_network(frames["walk_nodes"], frames["walk_edges"])
    totals = analyse(frames, net, load_standards(), CoverageRequest("public_toilets", "15min")).totals()
    page = _text(at)
    assert f"{totals['covered_share'] * 100:.1f}%" in page
    assert f"{totals['covered_population']:,} / {totals['population']:,} 人" in page
    assert "GB 50180-2018" in page and "1000 米" in page and "沿路网步行距离" in page
    assert len(at.dataframe) == 2  # worst areas and worst compounds


def test_straight_line_is_labelled_and_sites_are_suggested(app):
    at = app.run()
    at.radio(key="cov_method").set_value("straight_line")
    at.button[0].click().run()
    assert not at.exception
    assert any("直线距离" in shown(i) for i in at.info)
    at.radio(key="cov_method").set_value("network")
    at.radio(key="cov_facility").set_value("markets")
    at.radio(key="cov_band").set_value("standard")
    at.number_input(key="cov_k").set_value(3)
    at.text_area(key="cov_candidates").input("113.30,40.09\n坏行\n")
    at.button[0].click().run()
    assert not at.exception
    page = _text(at)
    assert "选址建议" in page and "→" in page and "500 米" in page
    assert any("第 2 行" in shown(w) for w in at.warning)


def test_what_if_closing_a_market(app, demo_city):
    frames = demo_city.frames
    at = app.run()
    at.radio(key="cov_facility").set_value("markets")
    at.button[0].click().run()
    market = frames["markets"]["market_id"].iloc[0]
    at.multiselect(key="cov_excluded").set_value([market])
    at.button[0].click().run()
    assert not at.exception
    assert "假设停用 1 个" in _text(at)
