"""The wall screen and the press exports in headless Chromium (Debian's package).

At 1920×1080 and 3840×2160 (100 % scaling, the hardest case): the wall page draws its map,
tiles and charts with no scrollbar and no request leaving loopback, and the carousel advances.
A soak run drives the carousel through 500 cycles and reports JS heap and time per cycle. On the
作战挂图, the in-map export returns a PNG of exactly 2× the map's size. Screenshots are kept in
test-artifacts/.
"""

import base64
import struct

import pytest

from scripts.screenshot import capture
from tests.artifacts import ARTIFACTS
from tests.test_browser import _png_size

pytestmark = pytest.mark.browser

SOAK_CYCLES = 500

LAYOUT_JS = """() => {
  const d = document.documentElement;
  const main = document.querySelector('.stMain');
  return {scrollH: d.scrollHeight, innerH: window.innerHeight, scrollW: d.scrollWidth,
          innerW: window.innerWidth, tiles: document.querySelectorAll('.cc-wtile').length,
          charts: document.querySelectorAll('.cc-wchart svg').length,
          overflowY: getComputedStyle(document.body).overflowY};
}"""


def _carousel_advances(page, frame):
    first = frame.evaluate("() => window.ccCarousel.index")
    start = frame.evaluate("() => window.ccCarousel.cycles")
    frame.evaluate("() => { window.ccCarousel.setIntervalMs(300); return 0; }")
    frame.wait_for_function(f"() => window.ccCarousel.cycles >= {start + 3}", timeout=30000)
    state = frame.evaluate("() => ({index: window.ccCarousel.index, cycles: window.ccCarousel.cycles,"
                          " views: window.ccCarousel.views})")
    frame.evaluate("() => { window.ccCarousel.setIntervalMs(3600000); return 0; }")
    return {"layout": page.evaluate(LAYOUT_JS), "first": first, **state}


@pytest.mark.parametrize("width, height", [(1920, 1080), (3840, 2160)])
def test_wall_screen_fills_the_screen_offline_and_rotates(app_url, demo_city, width, height):
    frames = demo_city.frames
    out = ARTIFACTS / f"wall-{width}x{height}.png"
    result = capture(app_url + "wall", out, width=width, height=height, settle_ms=2500,
                     after_load=_carousel_advances)
    assert result["outside_requests"] == []
    assert result["features"] >= len(frames["inspection_points"]) and result["cjk_font"]
    state = result["after_load"]
    layout = state["layout"]
    assert layout["scrollH"] <= layout["innerH"] and layout["scrollW"] <= layout["innerW"], layout
    assert layout["tiles"] == 6 and layout["charts"] == 2
    pingcheng = (frames["streets"]["district_code"] == "140213").sum()
    assert state["cycles"] >= 3 and state["views"] == 5 + len(frames["districts"]) + pingcheng
    assert _png_size(out) == (width, height)


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
    return {"heap_before": before, "heap_after": after, "cycles": end[1] - start[1],
            "wall_ms_per_cycle": (end[0] - start[0]) / (end[1] - start[1]),
            "show_ms_mean": sum(show_ms) / len(show_ms), "show_ms_max": max(show_ms)}


def test_carousel_soak_reports_memory_and_time_per_cycle(app_url):
    result = capture(app_url + "wall", ARTIFACTS / "wall-soak.png", width=1920, height=1080,
                     settle_ms=500, after_load=_soak)
    soak = result["after_load"]
    growth_mb = (soak["heap_after"] - soak["heap_before"]) / 2**20
    print(f"\n大屏轮播浸泡：{soak['cycles']} 个周期；每周期切换耗时平均 {soak['show_ms_mean']:.1f} ms"
          f"（最大 {soak['show_ms_max']:.1f} ms，含 40 ms 间隔的实际周期 {soak['wall_ms_per_cycle']:.1f} ms）；"
          f"JS 堆 {soak['heap_before'] / 2**20:.1f} → {soak['heap_after'] / 2**20:.1f} MiB（变化 {growth_mb:+.1f} MiB）")
    assert soak["cycles"] >= SOAK_CYCLES
    assert growth_mb < 8.0, "轮播运行中 JS 内存持续增长"


def _export_png(page, frame):
    size = frame.evaluate("() => [window.map.getSize().x, window.map.getSize().y]")
    data_url = frame.evaluate("() => window.ccExportPng(2)")
    png = base64.b64decode(data_url.split(",", 1)[1])
    return {"size": size, "png_wh": struct.unpack(">II", png[16:24]), "png": png}


def test_in_map_export_is_a_png_of_twice_the_map_size(app_url):
    result = capture(app_url, ARTIFACTS / "battle-map-before-export.png", width=1920, height=1080,
                     after_load=_export_png)
    assert result["outside_requests"] == []
    exported = result["after_load"]
    w, h = exported["size"]
    assert exported["png_wh"] == (2 * w, 2 * h)
    (ARTIFACTS / "battle-map-export-2x.png").write_bytes(exported["png"])
