"""The field pages on a phone (390×844, touch, 2× pixels) in headless Chromium, signed in as a
督查 (inspector) and as a 责任单位 (unit001): 作战挂图, 问题台账 (台账与处置, 上报问题) and 实地测评.

Measured on each page: nothing scrolls sideways, KPI tiles sit in two columns, every button,
tab and input field is at least 44 CSS px tall, the map's legend starts folded and opens on a
tap, choosing a page in the sidebar folds the sidebar away, the photo inputs take JPEG/PNG (a
phone offers its camera for them), and no visible text is an untranslated English string.
Screenshots go to test-artifacts/phone-*.png.
"""

from __future__ import annotations

import re

import pytest

from chuangcheng.store.web_sessions import COOKIE
from scripts.screenshot import TEXT_BOXES_JS, running_server, settled, wait_for_features
from tests.artifacts import ARTIFACTS
from tests.conftest import copy_store

pytestmark = pytest.mark.browser
THUMB_PX = 44
# Visible ASCII words that are names, not untranslated interface text.
ALLOWED_WORDS = {
    "PNG",
    "PDF",
    "JPG",
    "JPEG",
    "CSV",
    "Excel",
    "xlsx",
    "WGS",
    "GCJ",
    "dpi",
    "GeoJSON",
    "KML",
    "KMZ",
    "GPKG",
    "OSM",
    "km",
    "leader",
    "inspector",
    "unit",
    "admin",
    "security",
    "auditor",
}

PAGE_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const targets = [...document.querySelectorAll(
      '.stMain [data-testid^="stBaseButton-"]:not([data-testid="stBaseButton-elementToolbar"]), .stMain [role="tab"],' +
      '.stMain [data-baseweb="select"] > div, .stMain [data-testid="stNumberInputContainer"],' +
      '.stMain [data-testid="stTextInputRootElement"], .stMain [data-testid="stDateInputField"]')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
    .map(e => ({what: (e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 20),
                height: e.getBoundingClientRect().height}));
  const tiles = [...document.querySelectorAll('.cc-tile')].map(t => Math.round(t.getBoundingClientRect().left));
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  return {pageW: document.documentElement.scrollWidth, mainW: main.scrollWidth, W: window.innerWidth,
          targets, tileColumns: [...new Set(tiles)].length, tiles: tiles.length,
          sidebarRight: sidebar ? sidebar.getBoundingClientRect().right : 0,
          photoInputs: [...document.querySelectorAll('input[type=file]')].map(i => i.accept)};
}"""
LEGEND_JS = """() => {
  const legend = document.querySelector('.cc-legend');
  const body = legend.querySelector('.cc-legend-body');
  const box = legend.getBoundingClientRect(), map = document.querySelector('.leaflet-container').getBoundingClientRect();
  return {folded: getComputedStyle(body).display === 'none', share: box.width * box.height / (map.width * map.height)};
}"""


@pytest.fixture(scope="module")
def field_server(demo_store_file, tmp_path_factory):
    env = {
        "CHUANGCHENG_STORE_URL": copy_store(demo_store_file, tmp_path_factory.mktemp("phone")),
        "CHUANGCHENG_DEMO_MODE": "0",
        "CHUANGCHENG_REQUIRE_SIGN_IN": "1",
    }
    with running_server(env=env) as server:
        yield server


def _phone(browser, url: str, user: str):
    from chuangcheng.demo.ledger import DEMO_PASSWORD

    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_label("用户名", exact=True).fill(user)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("用户名", exact=True).wait_for(state="detached", timeout=60000)
    settled(page)
    # the remembered sign-in reaches the browser just after: pages opened by address need it
    for _ in range(100):
        if any(c["name"] == COOKIE for c in context.cookies()):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the sign-in was never remembered by the browser")
    return context, page


def _english(page) -> list[str]:
    texts = [t["text"] for t in page.evaluate(TEXT_BOXES_JS) if not t["covered"]]
    icons = set(
        page.evaluate(
            "() => [...document.querySelectorAll('[data-testid=\"stIconMaterial\"]')]"
            ".map(e => e.textContent.trim().slice(0, 24))"
        )
    )
    out = []
    for text in texts:
        if text in icons or re.search(r"[\u4e00-\u9fff]", text):
            continue
        if any(w not in ALLOWED_WORDS for w in re.findall(r"[A-Za-z]{3,}", text)):
            out.append(text)
    return out


def _check(page, name: str, *, tiles: bool = False) -> dict:
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"))
    seen = page.evaluate(PAGE_JS)
    assert seen["pageW"] <= seen["W"] and seen["mainW"] <= seen["W"], (name, seen)
    small = [t for t in seen["targets"] if t["height"] < THUMB_PX - 0.5]
    assert small == [], (name, small)
    assert seen["sidebarRight"] <= 0, f"{name}: the sidebar covers the page"
    if tiles:
        assert seen["tiles"] == 6 and seen["tileColumns"] == 2, seen
    assert _english(page) == [], name
    return seen


def test_an_inspector_in_the_street(field_server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page = _phone(browser, field_server.url, "inspector")
    frame, _ = wait_for_features(page)
    _check(page, "battle-map", tiles=True)
    legend = frame.evaluate(LEGEND_JS)
    assert legend["folded"] and legend["share"] < 0.1, legend
    frame.locator(".cc-legend-toggle").tap()
    opened = frame.evaluate(LEGEND_JS)
    assert not opened["folded"]
    page.screenshot(path=str(ARTIFACTS / "phone-battle-map-legend.png"))

    # the sidebar is how a phone user changes page; it must get out of the way afterwards
    page.get_by_test_id("stExpandSidebarButton").tap()
    page.locator('[data-testid="stSidebarNav"] a', has_text="问题台账").tap()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().right <= 0", timeout=10000
    )
    page.get_by_role("tab", name="上报问题").wait_for(timeout=60000)
    settled(page)
    _check(page, "ledger")
    page.get_by_role("tab", name="上报问题").tap()
    page.get_by_text("照片（可选").wait_for()
    seen = _check(page, "ledger-report")
    assert any(".jpg" in accept and ".png" in accept for accept in seen["photoInputs"])

    page.goto(field_server.url + "inspections", wait_until="domcontentloaded")
    page.get_by_text("现场照片").wait_for(timeout=60000)
    settled(page)
    seen = _check(page, "inspections")
    assert any(".jpg" in accept for accept in seen["photoInputs"])
    context.close()


def test_a_responsible_unit_handles_its_cases_on_a_phone(field_server, browser):
    context, page = _phone(browser, field_server.url, "unit001")
    page.goto(field_server.url + "ledger", wait_until="domcontentloaded")
    page.get_by_role("tab", name="台账与处置").wait_for(timeout=60000)
    settled(page)
    _check(page, "ledger-unit")
    # the table's toolbar (shown on a tap or hover) and other labels read by screen readers
    page.locator('[data-testid="stDataFrame"]').first.hover()
    page.locator('[data-testid="stBaseButton-elementToolbar"]').first.wait_for(timeout=10000)
    labels = page.evaluate(
        "() => [...document.querySelectorAll('.stMain [aria-label]')].map(e => e.getAttribute('aria-label'))"
    )
    toolbar = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=\"stBaseButton-elementToolbar\"]')]"
        ".map(e => e.getAttribute('aria-label'))"
    )
    assert "下载 CSV" in toolbar and "全屏" in toolbar, toolbar
    english = [label for label in labels if re.fullmatch(r"[A-Za-z /.]+", label or "")]
    assert english == [], " ; ".join(english)
    # a mistyped or stale address: Streamlit's own notice, in Chinese
    page.goto(field_server.url + "no-such-page", wait_until="domcontentloaded")
    dialog = page.get_by_role("dialog")
    dialog.wait_for(timeout=60000)
    page.screenshot(path=str(ARTIFACTS / "phone-page-not-found.png"))
    assert "页面不存在" in dialog.evaluate("e => getComputedStyle(e.querySelector('h2'), '::after').content")
    assert _english(page) == []
    context.close()
