import json
import re

import pytest
import shapely
from shapely.geometry import shape

from chuangcheng.geo.lifecircle import CoverageRequest, analyse
from chuangcheng.geo.network import build_network
from chuangcheng.geo.standards import load_standards
from chuangcheng.geo.wallscreen import WallView, expand_views, load_wall_config
from chuangcheng.layers.wall_map import Carousel, ViewContent, build_wall_map


@pytest.fixture(scope="module")
def coverage(demo_city):
    frames = demo_city.frames
    net = build_network(frames["walk_nodes"], frames["walk_edges"])
    out = {}
    for key, facility in (("toilet_coverage", "public_toilets"), ("market_coverage", "markets")):
        out[key] = analyse(frames, net, load_standards(override_path=None), CoverageRequest(facility, "standard"))
    return out


def _build(frames, views, coverage, **kw):
    contents = [ViewContent(v, (("1.0%", "率"),), "注", f"<p>{i}</p>") for i, v in enumerate(views)]
    options = {
        "title": "大屏",
        "badge": "示范数据（程序生成）",
        "as_of_text": "2026-12-01",
        "panel_css": "",
        "interval_s": 20,
        **kw,
    }
    fmap = build_wall_map(frames, contents, coverage, **options)
    carousel = [c for c in fmap._children.values() if isinstance(c, Carousel)][0]
    return fmap, carousel


def _views(carousel):
    import json

    return json.loads(carousel.views_json.replace("<\\/", "</"))


def test_every_configured_view_and_offline(demo_city, coverage):
    frames = demo_city.frames
    views = expand_views(load_wall_config(), frames["districts"], frames["streets"])
    fmap, carousel = _build(frames, views, coverage)
    shown = _views(carousel)
    assert [v["panel_html"] for v in shown] == [f"<p>{i}</p>" for i in range(len(views))]
    assert carousel.interval_ms == 20000
    page = fmap.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert all(u.startswith("/app/static/") for u in urls)
    assert "window.ccCarousel" in page and "示范数据（程序生成）" in page
    # coverage views draw the 街道 shares and the compounds; the city view draws no coverage
    cov = shown[[v.theme for v in views].index("toilet_coverage")]
    assert {"toilet_coverage_areas", "toilet_coverage_compounds", "public_toilets"} <= set(cov["layers"])
    assert not any("coverage" in layer for layer in shown[0]["layers"])
    # the overview: road sections by painting progress, toilets, markets and points, bottom to top
    assert shown[0]["layers"] == [
        "streets", "district_labels", "parking_sections", "public_toilets", "markets", "inspection_points",
    ]  # fmt: skip
    assert "施划路段（颜色示施划进度）" in json.dumps(shown[0], ensure_ascii=False)


def test_area_views_dim_everything_outside_their_area(demo_city, coverage):
    frames = demo_city.frames
    street = frames["streets"][frames["streets"]["district_code"] == "140213"].iloc[0]
    views = [
        WallView("city", "全市"),
        WallView("street", street["street_name"], district_code="140213", street_code=street["street_code"]),
    ]
    _, carousel = _build(frames, views, coverage)
    city, one = _views(carousel)
    assert city["mask"] is None
    mask = shape(one["mask"])
    inside = street.geometry.representative_point()
    elsewhere = frames["streets"][frames["streets"]["street_code"] != street["street_code"]].geometry
    assert not mask.contains(inside)
    assert all(
        mask.contains(g.representative_point())
        for g in elsewhere
        if not g.representative_point().buffer(1e-3).intersects(street.geometry)
    )
    west, south, east, north = street.geometry.bounds
    assert sum(one["bounds"], []) == pytest.approx([south, west, north, east], abs=2e-4)
    assert shapely.Point(inside).within(shape(one["outline"]).convex_hull)
    assert "street_labels_140213" in one["layers"] and "district_labels" in city["layers"]


def test_titles_and_headlines_are_escaped(demo_city, coverage):
    frames = demo_city.frames
    view = WallView("city", "<img src=x onerror=alert(1)>")
    content = ViewContent(view, (("<b>1</b>", "<i>率</i>"),), "<script>x</script>", "")
    fmap = build_wall_map(
        frames, [content], coverage, title="<b>题</b>", badge="", as_of_text="<u>d</u>", panel_css="", interval_s=5
    )
    page = fmap.get_root().render()
    carousel = [c for c in fmap._children.values() if isinstance(c, Carousel)][0]
    for raw in ("<img", "<b>1", "<i>", "<script>x", "<b>题", "<u>d"):
        assert raw not in carousel.views_json and raw not in page.split("var views", 1)[0].split("<body>", 1)[1]
    assert "&lt;img" in carousel.views_json


def test_a_legend_lists_what_the_area_has(demo_city, coverage):
    frames = demo_city.frames
    points = frames["inspection_points"]
    street = points.loc[points["latest_result"] == "不达标", "street_code"].iloc[0]
    district = street[:6]
    _, carousel = _build(
        frames, [WallView("street", "街", district_code=district, street_code=street)], coverage, legend_collapsed=True
    )
    legend = _views(carousel)[0]["legend_html"]
    mine = points[points["street_code"] == street]
    assert f"不达标（{int((mine['latest_result'] == '不达标').sum())}）" in legend
    toilets = int((frames["public_toilets"]["street_code"] == street).sum())
    assert ("公厕" in legend) == (toilets > 0)
    assert carousel.collapsed
