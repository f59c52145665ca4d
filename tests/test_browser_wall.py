"""The wall screen and the press exports in headless Chromium (Debian's package).

At 1920×1080, 3840×2160 (at 100 % and 200 % scaling) and 5760×1080 (a three-panel wall): on the
city, a coverage, a 区 and a 街道 view, no text is under 24 px at 1080p (scaled with the screen),
no text is clipped, nothing scrolls, the legend covers at most 15 % of the map, the area views
dim the rest of the city, nothing is requested off loopback, and the carousel advances.
A soak run drives the carousel through 500 cycles and reports JS heap and time per cycle. On the
作战挂图, the in-map export returns a PNG of exactly 2× the map's size. Screenshots are kept in
test-artifacts/.
"""

import base64
import struct

import pytest

from scripts.screenshot import TEXT_BOXES_JS, capture
from tests.artifacts import ARTIFACTS
from tests.test_browser import _png_size

pytestmark = pytest.mark.browser

SOAK_CYCLES = 500

LAYOUT_JS = """() => {
  const d = document.documentElement;
  return {scrollH: d.scrollHeight, innerH: window.innerHeight, scrollW: d.scrollWidth, innerW: window.innerWidth};
}"""
# Inside the wall document: the map's and the legend's boxes, what the side panel holds, and
# whether the view's area is outlined (the dimming mask is drawn in its own pane).
WALL_JS = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {map: box(document.querySelector('.folium-map')), legend: box(document.querySelector('.cc-wall-legend')),
          tiles: document.querySelectorAll('.cc-wall-side .cc-wtile').length,
          charts: document.querySelectorAll('.cc-wall-side svg').length,
          masked: document.querySelectorAll('.leaflet-ccMask-pane path, .leaflet-ccMask-pane canvas').length > 0,
          view: window.ccCarousel.index, views: window.ccCarousel.views};
}"""
MIN_TEXT_PX = 24  # at 1920×1080; the layout scales with min(1vw, 16:9 of 1vh)
MAX_LEGEND_SHARE = 0.15  # of the map's area


def _area(box):
    return max(box[2] - box[0], 0) * max(box[3] - box[1], 0)


def _measure_views(page, frame, kinds):
    """Show one view of each kind and measure it: text sizes and clipping in the wall document
    and the page around it, scrolling, the legend's share of the map."""
    frame.evaluate("() => { window.ccCarousel.setIntervalMs(3600000); return 0; }")
    titles = frame.evaluate("() => Array.from({length: window.ccCarousel.views}, (_, i) => i)")
    out = {}
    for kind, index in kinds.items():
        frame.evaluate(f"() => {{ window.ccCarousel.show({index}); return 0; }}")
        frame.wait_for_function(f"() => window.ccCarousel.index === {index}")
        texts = [t for t in frame.evaluate(TEXT_BOXES_JS) + page.evaluate(TEXT_BOXES_JS) if not t["covered"]]
        wall = frame.evaluate(WALL_JS)
        out[kind] = {
            "texts": texts,
            "wall": wall,
            "layout": page.evaluate(LAYOUT_JS),
            "legend_share": _area(wall["legend"]) / _area(wall["map"]),
        }
        page.screenshot(
            path=str(ARTIFACTS / f"wall-{kind}-{page.viewport_size['width']}x{page.viewport_size['height']}.png")
        )
    frame.evaluate("() => { window.ccCarousel.show(0); return 0; }")
    start = frame.evaluate("() => window.ccCarousel.cycles")
    frame.evaluate("() => { window.ccCarousel.setIntervalMs(300); return 0; }")
    frame.wait_for_function(f"() => window.ccCarousel.cycles >= {start + 3}", timeout=30000)
    frame.evaluate("() => { window.ccCarousel.setIntervalMs(3600000); window.ccCarousel.show(0); return 0; }")
    out["cycles"] = frame.evaluate("() => window.ccCarousel.cycles") - start
    out["views"] = len(titles)
    return out


@pytest.mark.parametrize("width, height, scale", [(1920, 1080, 1), (3840, 2160, 1), (1920, 1080, 2), (5760, 1080, 1)])
def test_wall_screen_is_readable_from_across_the_room(app_url, demo_city, width, height, scale):
    frames = demo_city.frames
    n_districts = len(frames["districts"])
    # the shipped configuration: city, 4 themes, the 区, then 平城区's 街道
    kinds = {"city": 0, "coverage": 2, "district": 5 + 1, "street": 5 + n_districts}
    out = ARTIFACTS / f"wall-{width}x{height}@{scale}.png"
    result = capture(
        app_url + "wall",
        out,
        width=width,
        height=height,
        scale=scale,
        settle_ms=1000,
        after_load=lambda page, frame: _measure_views(page, frame, kinds),
    )
    assert result["outside_requests"] == [] and result["cjk_font"]
    assert result["features"] >= len(frames["inspection_points"])
    state = result["after_load"]
    pingcheng = (frames["streets"]["district_code"] == "140213").sum()
    assert state["views"] == 5 + n_districts + pingcheng and state["cycles"] >= 3
    u = min(width / 100, height * 1.7778 / 100)
    for kind in kinds:
        seen = state[kind]
        texts, wall, layout = seen["texts"], seen["wall"], seen["layout"]
        smallest = min(texts, key=lambda t: t["px"])
        print(
            f"\n{width}×{height}@{scale} {kind}: {len(texts)} 段文字，最小 {smallest['px']} px"
            f"（{smallest['text']}），图例占地图 {seen['legend_share']:.1%}"
        )
        assert smallest["px"] >= MIN_TEXT_PX * u / 19.2 - 0.5, smallest
        assert [t for t in texts if t["clipped"]] == []
        assert layout["scrollH"] <= layout["innerH"] and layout["scrollW"] <= layout["innerW"], layout
        assert seen["legend_share"] <= MAX_LEGEND_SHARE
        assert wall["tiles"] == 6 and wall["charts"] == 1
        assert wall["masked"] == (kind in ("district", "street")), kind
    assert _png_size(out) == (width * scale, height * scale)


def test_wall_legend_collapses_to_its_corner(app_url):
    def collapse(page, frame):
        frame.evaluate("() => { window.ccCarousel.setIntervalMs(3600000); return 0; }")
        before = frame.evaluate(WALL_JS)
        frame.locator(".cc-wall-legend button").click()
        after = frame.evaluate(WALL_JS)
        frame.evaluate("() => { window.ccCarousel.next(); return 0; }")
        return before, after, frame.evaluate(WALL_JS)

    before, after, next_view = capture(
        app_url + "wall", ARTIFACTS / "wall-legend-collapsed.png", width=1920, height=1080, after_load=collapse
    )["after_load"]
    assert _area(after["legend"]) < _area(before["legend"]) / 5
    assert after["legend"][0] == before["legend"][0] and after["legend"][3] == before["legend"][3]
    assert _area(next_view["legend"]) == _area(after["legend"])  # stays collapsed as views rotate


def _soak(page, frame):
    frame.evaluate("() => { window.ccCarousel.setIntervalMs(40); return 0; }")
    frame.wait_for_function("() => window.ccCarousel.cycles >= 50", timeout=120000)
    frame.evaluate("() => { if (window.gc) window.gc(); return 0; }")
    before = frame.evaluate("() => performance.memory.usedJSHeapSize")
    start = frame.evaluate("() => [performance.now(), window.ccCarousel.cycles]")
    frame.wait_for_function(f"() => window.ccCarousel.cycles >= {start[1] + SOAK_CYCLES}", timeout=600000)
    end = frame.evaluate("() => [performance.now(), window.ccCarousel.cycles]")
    frame.evaluate("() => { window.ccCarousel.setIntervalMs(3600000); if (window.gc) window.gc(); return 0; }")
    after = frame.evaluate("() => performance.memory.usedJSHeapSize")
    show_ms = frame.evaluate("() => window.ccCarousel.showMs.slice()")
    return {
        "heap_before": before,
        "heap_after": after,
        "cycles": end[1] - start[1],
        "wall_ms_per_cycle": (end[0] - start[0]) / (end[1] - start[1]),
        "show_ms_mean": sum(show_ms) / len(show_ms),
        "show_ms_max": max(show_ms),
    }


def test_carousel_soak_reports_memory_and_time_per_cycle(app_url):
    result = capture(
        app_url + "wall", ARTIFACTS / "wall-soak.png", width=1920, height=1080, settle_ms=500, after_load=_soak
    )
    soak = result["after_load"]
    growth_mb = (soak["heap_after"] - soak["heap_before"]) / 2**20
    print(
        f"\n大屏轮播浸泡：{soak['cycles']} 个周期；每周期切换耗时平均 {soak['show_ms_mean']:.1f} ms"
        f"（最大 {soak['show_ms_max']:.1f} ms，含 40 ms 间隔的实际周期 {soak['wall_ms_per_cycle']:.1f} ms）；"
        f"JS 堆 {soak['heap_before'] / 2**20:.1f} → {soak['heap_after'] / 2**20:.1f} MiB（变化 {growth_mb:+.1f} MiB）"
    )
    assert soak["cycles"] >= SOAK_CYCLES
    assert growth_mb < 8.0, "轮播运行中 JS 内存持续增长"


def _export_png(page, frame):
    size = frame.evaluate("() => [window.map.getSize().x, window.map.getSize().y]")
    data_url = frame.evaluate("() => window.ccExportPng(2)")
    png = base64.b64decode(data_url.split(",", 1)[1])
    return {"size": size, "png_wh": struct.unpack(">II", png[16:24]), "png": png}


def test_in_map_export_is_a_png_of_twice_the_map_size(app_url):
    result = capture(
        app_url, ARTIFACTS / "battle-map-before-export.png", width=1920, height=1080, after_load=_export_png
    )
    assert result["outside_requests"] == []
    exported = result["after_load"]
    w, h = exported["size"]
    assert exported["png_wh"] == (2 * w, 2 * h)
    (ARTIFACTS / "battle-map-export-2x.png").write_bytes(exported["png"])
