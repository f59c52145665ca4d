"""AppTest of the 大屏 and 宣传导出 pages on the demo store."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.ui.helpers import tile_value, wall_views

VIEWS = Path(__file__).resolve().parents[2] / "chuangcheng" / "views"


def _wall(at) -> str:
    return at.get("iframe")[0].proto.srcdoc


def test_wall_page_draws_every_view_from_records(demo_city):
    at = AppTest.from_file(str(VIEWS / "wall.py"), default_timeout=180).run()
    assert not at.exception
    page = _wall(at)
    views = wall_views(page)
    frames = demo_city.frames
    pingcheng = (frames["streets"]["district_code"] == "140213").sum()
    assert len(views) == 5 + len(frames["districts"]) + pingcheng
    assert "大同市 创城作战挂图" in page and "示范数据（程序生成）" in page
    city = views[0]["panel_html"]
    assert city.count('class="cc-wtile"') == 6 and "各区测评达标率 红黑榜" in city
    assert "红榜" in city and "黑榜" in city and city.count("<svg") == 1
    # the whole city's figures, counted independently of geo.kpi
    last = frames["progress"].iloc[-1]
    assert f"办结 {int(last['problems_closed']):,} / 发现 {int(last['problems_found']):,}" in city
    open_cases = (~frames["cases"]["state"].isin(["结案", "作废", "不予立案"])).sum()
    assert tile_value(city, "未整改问题") == f"{open_cases:,}"
    assert "3,962 / 19,116 个" in city


def test_wall_replays_a_past_date_from_the_address():
    at = AppTest.from_file(str(VIEWS / "wall.py"), default_timeout=180)
    at.query_params["date"] = "2026-08-01"
    at.run()
    assert not at.exception
    page = _wall(at)
    assert "数据日期 2026-08-01（历史回放）" in page and "3,962 / 19,116 个" not in page


def test_press_page_makes_a_poster_and_charts(demo_city):
    at = AppTest.from_file(str(VIEWS / "press.py"), default_timeout=300).run()
    assert not at.exception
    at.selectbox(key="press_district").set_value("140214").run()
    assert at.text_input(key="press_title_大同市云冈区_mission").value == "大同市云冈区 创城作战图"
    at.radio(key="press_paper").set_value("A4")
    at.button[0].click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "下载 PNG（300 dpi）" in labels and "下载 PDF" in labels
    assert sum("下载“" in label for label in labels) == 3
    # a 街道: the title follows the area
    streets = demo_city.frames["streets"]
    street = streets[streets["district_code"] == "140214"].sort_values("street_code").iloc[0]
    at.selectbox(key="press_street").set_value(street["street_code"]).run()
    assert (
        at.text_input(key=f"press_title_大同市云冈区{street['street_name']}_mission").value
        == f"大同市云冈区{street['street_name']} 创城作战图"
    )


def test_press_page_makes_a_wechat_coverage_image():
    at = AppTest.from_file(str(VIEWS / "press.py"), default_timeout=300).run()
    at.radio(key="press_theme").set_value("public_toilets").run()
    assert at.text_input(key="press_title_大同市_public_toilets").value == "大同市 公厕步行覆盖"
    at.radio(key="press_paper").set_value("wechat")
    at.button[0].click().run()
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert any("微信，小于 1 MB" in label for label in labels) and "下载 PDF" not in labels
