"""AppTest of the 大屏 and 宣传导出 pages."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

VIEWS = Path(__file__).resolve().parents[2] / "views"


@pytest.fixture(autouse=True)
def city(demo_city_path, monkeypatch):
    monkeypatch.setenv("CHUANGCHENG_CITY_DATA", str(demo_city_path))


def test_wall_page_renders_tiles_ranking_and_charts(demo_city):
    at = AppTest.from_file(str(VIEWS / "wall.py"), default_timeout=180).run()
    assert not at.exception
    page = "\n".join(m.value for m in at.markdown)
    assert "大同市平城区 创城作战挂图" in page and page.count('class="cc-wtile"') == 6
    assert "红榜" in page and "黑榜" in page and page.count("<svg") == 2
    last = demo_city[0]["progress_daily"].iloc[-1]
    assert f"已整改 {int(last['problems_closed']):,} / 发现 {int(last['problems_found']):,}" in page


def test_press_page_makes_a_poster_and_charts():
    at = AppTest.from_file(str(VIEWS / "press.py"), default_timeout=300).run()
    assert not at.exception
    at.radio(key="press_paper").set_value("A4")
    at.text_input(key="press_title").input("<测试>标题")
    at.button[0].click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "下载 PNG（300 dpi）" in labels and "下载 PDF" in labels
    assert sum("下载“" in label for label in labels) == 3
