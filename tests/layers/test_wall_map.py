import re

import pytest

from geo.lifecircle import CoverageRequest, analyse
from geo.network import build_network
from geo.standards import load_standards
from geo.wallscreen import ViewSpec, WallConfig, load_wall_config
from layers.wall_map import Carousel, CoverageTheme, build_wall_map


@pytest.fixture(scope="module")
def coverage(demo_city):
    frames = demo_city.frames
    net = build_network(frames["walk_nodes"], frames["walk_edges"])
    out = {}
    for key, facility in (("toilet_coverage", "public_toilets"), ("market_coverage", "markets")):
        r = analyse(frames, net, load_standards(override_path=None), CoverageRequest(facility, "standard"))
        out[key] = CoverageTheme(r.compounds, r.cutoff_m, r.threshold.source_text(), r.method_title, key)
    return out


def test_every_configured_view_and_offline(demo_city, coverage):
    frames, meta = demo_city.frames, demo_city.meta
    fmap = build_wall_map(frames, meta, load_wall_config(), coverage, note="示范数据")
    carousel = [c for c in fmap._children.values() if isinstance(c, Carousel)][0]
    pingcheng = (frames["streets"]["district_code"] == "140213").sum()
    assert carousel.views_json.count('"title_html"') == 5 + len(frames["districts"]) + pingcheng
    assert "云州区" in carousel.views_json
    assert carousel.interval_ms == 20000
    page = fmap.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert all(u.startswith("/app/static/") for u in urls)
    assert "window.ccCarousel" in page


def test_titles_are_escaped(demo_city, coverage):
    frames, meta = demo_city.frames, demo_city.meta
    config = WallConfig(title="t", interval_s=5, refresh_s=60, figures=(), charts=(),
                        views=(ViewSpec(kind="city", title="<img src=x onerror=alert(1)>"),))
    fmap = build_wall_map(frames, meta, config, coverage, note="<b>注</b>")
    carousel = [c for c in fmap._children.values() if isinstance(c, Carousel)][0]
    assert "<img" not in carousel.views_json and "&lt;img" in carousel.views_json
    assert "<b>" not in carousel.views_json
