"""AppTest of the 大屏 and 宣传导出 pages on the demo store."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from geo import kpi

VIEWS = Path(__file__).resolve().parents[2] / "views"


def test_wall_page_renders_tiles_ranking_and_charts_from_records(demo_city):
    at = AppTest.from_file(str(VIEWS / "wall.py"), default_timeout=180).run()
    assert not at.exception
    page = "\n".join(m.value for m in at.markdown)
    assert "大同市 创城作战挂图" in page and page.count('class="cc-wtile"') == 6
    assert "各区测评达标率 红黑榜" in page and "红榜" in page and "黑榜" in page and page.count("<svg") == 2
    frames = demo_city.frames
    last = frames["progress"].iloc[-1]
    assert f"已办结 {int(last['problems_closed']):,} / 发现 {int(last['problems_found']):,}" in page
    assert f'<div class="v">{kpi.open_problems(frames["cases"])}</div>' in page
    assert "3,962 / 19,116 个" in page


def test_wall_replays_a_past_date_from_the_address():
    at = AppTest.from_file(str(VIEWS / "wall.py"), default_timeout=180)
    at.query_params["date"] = "2026-08-01"
    at.run()
    assert not at.exception
    page = "\n".join(m.value for m in at.markdown)
    assert "数据日期 2026-08-01（历史回放）" in page and "3,962 / 19,116 个" not in page


def test_press_page_makes_a_poster_and_charts():
    at = AppTest.from_file(str(VIEWS / "press.py"), default_timeout=300).run()
    assert not at.exception
    at.selectbox(key="press_district").set_value("140214").run()
    assert at.text_input(key="press_title_大同市云冈区").value == "大同市云冈区 创城作战图"
    at.radio(key="press_paper").set_value("A4")
    at.button[0].click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "下载 PNG（300 dpi）" in labels and "下载 PDF" in labels
    assert sum("下载“" in label for label in labels) == 3
