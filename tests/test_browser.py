"""The dashboard in headless Chromium (Debian's package), as a user sees it.

Starts the app on a free loopback port, waits for the map's features, takes screenshots at
1920×1080 and 3840×2160 into test-artifacts/, clicks a feature, and fails if any request left
loopback, if the map drew no features, or if Chinese text would render as boxes.
"""

import struct
from pathlib import Path

import pytest

from scripts.screenshot import COUNT_FEATURES_JS, capture, is_loopback
from tests.artifacts import ARTIFACTS

# The district's bounds as the map has them (the 街道 layer's union), to zoom back out.
FIT_DISTRICT_JS = (
    "(() => { let b = null; window.map.eachLayer(l => { if (l.feature && "
    "l.feature.properties && l.feature.properties.street_code && l.getBounds) "
    "b = b ? b.extend(l.getBounds()) : L.latLngBounds(l.getBounds().getSouthWest(), "
    "l.getBounds().getNorthEast()); }); return b; })()"
)


pytestmark = pytest.mark.browser


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_loopback_filter():
    assert is_loopback("http://127.0.0.1:8501/app/static/vendor/leaflet/leaflet.js")
    assert is_loopback("ws://localhost:8501/_stcore/stream") and is_loopback("data:image/png;base64,x")
    assert not is_loopback("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
    assert not is_loopback("https://t0.tianditu.gov.cn/DataServer?T=vec_w")


CLICK_FIRST_POINT_JS = """() => {
  let target = null;
  window.map.eachLayer(l => {
    if (!target && l.feature && l.feature.properties && l.feature.properties.point_name) target = l;
  });
  const p = window.map.latLngToContainerPoint(target.getLatLng());
  const r = window.map.getContainer().getBoundingClientRect();
  return [p.x + r.left, p.y + r.top, target.feature.properties.point_name];
}"""


def _zoom_in_and_click_a_point(page, frame):
    before = frame.evaluate(COUNT_FEATURES_JS)
    frame.evaluate("() => { window.map.setZoom(15.5, {animate: false}); return 0; }")
    # 社区 and 网格 outlines appear once the zoom passes their threshold: wait for them, not a time.
    frame.wait_for_function(f"() => ({COUNT_FEATURES_JS})() > {before + 1000}", timeout=15000)
    zoomed = frame.evaluate(COUNT_FEATURES_JS)
    frame.evaluate(f"() => {{ window.map.fitBounds({FIT_DISTRICT_JS}, {{animate: false}}); return 0; }}")
    frame.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(0))))")
    x, y, name = frame.evaluate(CLICK_FIRST_POINT_JS)
    frame_box = page.frame_locator("iframe").first.locator("body").bounding_box()
    page.mouse.click(frame_box["x"] + x, frame_box["y"] + y)
    frame.wait_for_selector(".leaflet-popup-content", timeout=15000)
    popup = frame.inner_text(".leaflet-popup-content")
    page.get_by_text("点击位置").first.wait_for(timeout=30000)
    return {"popup": popup, "name": name, "before": before, "zoomed": zoomed}


def test_dashboard_at_1920x1080_is_offline_and_draws_the_map(app_url, demo_city):
    frames = demo_city.frames
    out = ARTIFACTS / "dashboard-1920x1080.png"
    result = capture(app_url, out, width=1920, height=1080, after_load=_zoom_in_and_click_a_point)
    print(
        f"\n冷启动到地图画出：{result['seconds_to_map']:.1f} 秒；页面传输 "
        f"{result['transferred_bytes'] / 1e6:.2f} MB；要素 {result['features']} 个"
    )
    assert result["outside_requests"] == []
    expected = len(frames["inspection_points"]) + len(frames["public_toilets"]) + len(frames["markets"])
    assert result["features"] >= expected
    assert result["cjk_font"], "中文字符会显示为方框：请安装 fonts-noto-cjk"
    assert _png_size(out) == (1920, 1080)
    clicked = result["after_load"]
    assert clicked["zoomed"] > clicked["before"] + 1000, "放大后应显示社区与网格"
    assert "点位名称" in clicked["popup"] and clicked["name"].split("（")[0][:2] in clicked["popup"]


def test_dashboard_at_3840x2160(app_url):
    """A 4K wall screen as it is normally set up: 200 % scaling (1920×1080 CSS pixels)."""
    out = ARTIFACTS / "dashboard-3840x2160.png"
    result = capture(app_url, out, width=1920, height=1080, scale=2.0)
    assert result["outside_requests"] == []
    assert result["features"] > 0 and result["cjk_font"]
    assert _png_size(out) == (3840, 2160)


def test_coverage_page_is_offline_and_draws_compounds(app_url, demo_city):
    frames = demo_city.frames
    out = ARTIFACTS / "coverage-1920x1080.png"
    result = capture(app_url + "coverage", out, width=1920, height=1080, settle_ms=2500)
    assert result["outside_requests"] == []
    assert result["features"] >= len(frames["compounds"]) + len(frames["grids"])
    assert result["cjk_font"] and _png_size(out) == (1920, 1080)


def test_an_online_basemap_that_cannot_load_says_so_and_falls_back(app_url):
    """高德 chosen on a network that cannot reach it: the map says so and shows the offline roads."""
    import time

    from playwright.sync_api import sync_playwright

    from scripts.screenshot import CHROMIUM, CHROMIUM_ARGS, settled, wait_for_features

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        blocked, elsewhere = [], []
        context.route(
            "**/*",
            lambda route: (
                (blocked.append(route.request.url), route.abort())
                if "autonavi.com" in route.request.url
                else route.continue_()
            ),
        )
        context.on(
            "request", lambda r: None if is_loopback(r.url) or "autonavi.com" in r.url else elsewhere.append(r.url)
        )
        page = context.new_page()
        page.goto(app_url, wait_until="domcontentloaded")
        wait_for_features(page)
        settled(page)
        page.get_by_text("高德地图", exact=True).click()
        deadline, state = time.monotonic() + 60, None
        while state is None:
            assert time.monotonic() < deadline, "the map never reported the failed tiles"
            for frame in page.frames:
                try:
                    if frame.evaluate("() => !!(window.ccBasemapFallback && window.ccBasemapFallback.failed)"):
                        state = frame
                except Exception:  # a frame being replaced by the rerun
                    continue
            page.wait_for_timeout(250)
        note = state.inner_text(".cc-tiles-failed")
        legend_footer = state.inner_text(".cc-legend .cc-foot")
        page.screenshot(path=str(ARTIFACTS / "gaode-unreachable-fallback.png"))
        browser.close()
    assert "在线底图无法加载" in note and blocked and elsewhere == []
    assert "高德" not in legend_footer and "离线" in legend_footer


def test_a_poster_is_made_through_the_server_while_others_use_it(app_url):
    """宣传导出 in the browser, the server drawing it while another session's pages run and end
    (each end closes pyplot's figures on the server); the download is the 300 dpi A3 PNG."""
    from playwright.sync_api import sync_playwright

    from scripts.screenshot import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:  # not the module-scoped fixture: the other tests here start their own
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN", accept_downloads=True)
        press, other = context.new_page(), context.new_page()
        press.goto(app_url + "press", wait_until="domcontentloaded")
        press.get_by_role("button", name="生成海报").wait_for(timeout=60000)
        other.goto(app_url, wait_until="domcontentloaded")
        press.get_by_role("button", name="生成海报").click()
        for _ in range(3):  # the other session's scripts end again and again while the poster draws
            other.reload(wait_until="domcontentloaded")
        download_button = press.get_by_role("button", name="下载 PNG（300 dpi）")
        download_button.wait_for(timeout=120000)
        with press.expect_download() as info:
            download_button.click()
        png = Path(info.value.path()).read_bytes()
        failed = press.get_by_text("本页出现内部错误").count()
        browser.close()
    assert failed == 0
    width, height = struct.unpack(">II", png[16:24])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert abs(width - 420 / 25.4 * 300) <= 1 and abs(height - 297 / 25.4 * 300) <= 1  # A3 landscape, 300 dpi
