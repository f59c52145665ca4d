"""The store as the system of record, in real browsers against real app servers.

A commit made in one session — through the 数据导入 page, on another app server even — shows on
the 作战挂图 already open in another session, without a reload, within seconds. Two servers
share one PostgreSQL store; a third process restoring an older version is seen by both.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

from chuangcheng.demo.ledger import DEMO_PASSWORD
from scripts.screenshot import (
    CHROMIUM,
    CHROMIUM_ARGS,
    import_as,
    is_loopback,
    running_app,
    running_server,
    wait_for_features,
)
from tests.artifacts import ARTIFACTS
from tests.conftest import copy_store

pytestmark = pytest.mark.browser
UPDATE_WITHIN_S = 15.0  # the pages poll every 3 s; allow for a slow CI machine

TILE_JS = """(label) => {
  for (const tile of document.querySelectorAll('.cc-tile')) {
    const k = tile.querySelector('.cc-k');
    if (k && k.textContent.trim() === label) return tile.querySelector('.cc-v').textContent.trim();
  }
  return null;
}"""


def _toilets_csv(n: int, prefix: str) -> bytes:
    return (
        pd.DataFrame(
            {
                "公厕编号": [f"{prefix}{k:02d}" for k in range(n)],
                "公厕名称": [f"{prefix}新建公厕{k}号" for k in range(n)],
                "类型": ["固定公厕"] * n,
                "经度": [113.245 + 0.004 * k for k in range(n)],
                "纬度": [40.035] * n,
            }
        )
        .to_csv(index=False)
        .encode("utf-8-sig")
    )


def _tile(page, label: str) -> int:
    value = page.evaluate(TILE_JS, label)
    return -1 if value is None else int(value.replace(",", ""))


def _wait_for_tile(page, label: str, expected: int, timeout_s: float = UPDATE_WITHIN_S) -> float:
    started = time.monotonic()
    page.wait_for_function(
        f"(e) => ({TILE_JS})({label!r}) === e.toLocaleString('en-US')", arg=expected, timeout=timeout_s * 1000
    )
    return time.monotonic() - started


def _open_battle_map(context, url: str):
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    wait_for_features(page)
    page.wait_for_function(f"() => ({TILE_JS})('公共厕所') !== null", timeout=60000)
    return page


def _import_through_the_page(context, url: str, name: str, data: bytes, log=None) -> float:
    """Sign in on the 数据导入 page as admin, upload, commit; returns when the commit was clicked."""
    page = context.new_page()
    import_as(page, url, "admin", DEMO_PASSWORD, "公共厕所")
    page.locator('input[type="file"]').set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    commit = page.get_by_role("button", name="确认导入（按编号更新，不重复）")
    try:
        commit.wait_for(timeout=60000)
    except Exception:
        # CI shows only the text; keep what the user saw so the failure can be read.
        page.screenshot(path=str(ARTIFACTS / f"import-failed-{name}.png"), full_page=True)
        server = log.read_text(errors="replace")[-3000:] if log is not None else ""
        raise AssertionError(
            "导入页未出现确认按钮，页面显示：\n" + page.inner_text("body")[-2000:] + "\n服务器日志：\n" + server
        ) from None
    clicked = time.monotonic()
    commit.click()
    page.get_by_text("已写入“公共厕所”").wait_for(timeout=60000)
    page.screenshot(path=str(ARTIFACTS / f"import-{name}.png"))
    return clicked


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _context(browser, outside: list[str]):
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    context.on("request", lambda r: None if is_loopback(r.url) else outside.append(r.url))
    return context


def test_an_import_in_one_session_shows_in_another_without_reload(browser, demo_store_file, tmp_path):
    outside: list[str] = []
    url_store = copy_store(demo_store_file, tmp_path)
    with running_app(env={"CHUANGCHENG_STORE_URL": url_store}) as url:
        viewer = _open_battle_map(_context(browser, outside), url)
        before = _tile(viewer, "公共厕所")
        loads = viewer.evaluate("() => performance.getEntriesByType('navigation').length")
        clicked = _import_through_the_page(_context(browser, outside), url, "甲会话导入.csv", _toilets_csv(15, "A"))
        _wait_for_tile(viewer, "公共厕所", before + 15)
        seconds = time.monotonic() - clicked
        assert viewer.evaluate("() => performance.getEntriesByType('navigation').length") == loads  # no reload
        viewer.screenshot(path=str(ARTIFACTS / "battle-map-after-import.png"))
        print(f"\n另一会话在提交后 {seconds:.1f} 秒显示新数据（公厕 {before} → {before + 15}）")
    assert outside == []


def test_two_servers_on_one_postgresql_store_see_each_others_commits(browser, demo_pg_url):
    from chuangcheng import store
    from chuangcheng.store import layers

    outside: list[str] = []
    env = {"CHUANGCHENG_STORE_URL": demo_pg_url}
    with running_server(env=env) as a, running_server(env=env) as b:
        server_a, server_b = a.url, b.url
        assert server_a != server_b
        viewer_a = _open_battle_map(_context(browser, outside), server_a)
        viewer_b = _open_battle_map(_context(browser, outside), server_b)
        before = _tile(viewer_a, "公共厕所")
        clicked = _import_through_the_page(
            _context(browser, outside), server_b, "乙服务器导入.csv", _toilets_csv(15, "B"), log=b.log
        )
        _wait_for_tile(viewer_a, "公共厕所", before + 15)
        _wait_for_tile(viewer_b, "公共厕所", before + 15)
        print(f"\n两台服务器：乙服务器提交后 {time.monotonic() - clicked:.1f} 秒，甲服务器的页面显示新数据")
        # A third process restores the layer's first version: both servers follow.
        engine = store.open_store(demo_pg_url)
        layers.restore_layer(engine, "public_toilets", 1, actor="third-process")
        engine.dispose()
        _wait_for_tile(viewer_a, "公共厕所", before)
        _wait_for_tile(viewer_b, "公共厕所", before)
    assert outside == []
