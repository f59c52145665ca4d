"""AppTest of the 实地测评 page: an inspection entered on the page becomes the point's result on
the 作战挂图 and opens a case for its failed item; painting records move the 施划 figure."""

from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from chuangcheng import store
from chuangcheng.geo.workflow import INSPECTOR, LEADER, UNIT, Actor
from chuangcheng.store import inspections, ledger, painting
from tests.ui.helpers import shown, sign_in_as

VIEWS = Path(__file__).resolve().parents[2] / "chuangcheng" / "views"
INSP = Actor("inspector", INSPECTOR)


@pytest.fixture
def url(demo_store_url, monkeypatch):
    monkeypatch.setenv("CHUANGCHENG_STORE_URL", demo_store_url)
    return demo_store_url


def _page(actor=INSP) -> AppTest:
    at = AppTest.from_file(str(VIEWS / "inspections.py"), default_timeout=240)
    sign_in_as(at, actor)
    return at.run()


def _tiles(name="battle_map") -> str:
    at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=240).run()
    return "\n".join(m.value for m in at.markdown)


def test_an_inspection_on_the_page_sets_the_points_result_and_opens_a_case(url, demo_city):
    points = demo_city.frames["inspection_points"]
    toilets = points[(points["point_type"] == "室外公共厕所") & (points["latest_result"] == "达标")]
    point = toilets.iloc[0]
    at = _page()
    at.selectbox(key="insp_point").set_value(point["point_id"]).run()
    assert not at.exception
    assert at.radio(key="insp_GC01") is not None  # the checklist of this point's type
    at.radio(key="insp_GC03").set_value(False)
    at.text_input(key="insp_note_GC03").input("厕内有明显异味")
    at.button(key=f"FormSubmitter:insp_form_{point['point_id']}-保存测评").click().run()
    assert not at.exception
    message = shown(at.success[0])
    assert "不达标" in message and "上报问题 1 件" in message
    engine = store.open_store(url)
    cases = ledger.read_cases(engine)
    new = cases.iloc[-1]
    assert new["point_id"] == point["point_id"] and new["title"].endswith("厕内无异味（不符合）")
    assert new["description"] == "厕内有明显异味" and new["source"] == "实地测评"
    found, items = inspections.read_inspections(engine)
    assert found.iloc[-1]["point_id"] == point["point_id"] and found.iloc[-1]["result"] == "不达标"
    # The 作战挂图 now counts the point as failing and one more open problem.
    before = demo_city.frames
    passed = int((before["inspection_points"]["latest_result"] == "达标").sum())
    measured = int(before["inspection_points"]["latest_result"].isin(["达标", "不达标"]).sum())
    page = _tiles()
    assert f"达标 {passed - 1} / 已测评 {measured}" in page


def test_painting_on_the_page_moves_the_parking_figure(url):
    at = _page()
    section = at.selectbox(key="paint_section").options[0].split(" ")[0]
    at.selectbox(key="paint_section").set_value(section)
    at.number_input(key="paint_bays").set_value(12)
    at.button(key="FormSubmitter:paint_form-登记").click().run()
    assert not at.exception and "+12 个" in shown(at.success[0])
    assert "已施划 3,974 / 规划 19,116 个" in _tiles()
    records = painting.read_paint_records(store.open_store(url))
    assert records.iloc[-1]["section_id"] == section and records.iloc[-1]["bays"] == 12


def test_roles_decide_what_each_account_may_record(url):
    leader = _page(Actor("leader", LEADER))  # reads the records; records nothing
    assert [t.label for t in leader.tabs] == ["测评记录"]
    engine = store.open_store(url)
    unit = "平城区城市管理局"
    at = _page(Actor("u", UNIT, unit))
    assert [t.label for t in at.tabs] == ["测评记录", "施划登记"]
    options = at.selectbox(key="paint_section").options
    sections = store.layers.read_layer(engine, "parking_sections")
    assert len(options) == int((sections["responsible_unit"] == unit).sum()) > 0


def test_an_inspection_sheet_imported_on_the_page(url, tmp_path, demo_city):
    points = demo_city.frames["inspection_points"]
    market = points[points["point_type"] == "集贸市场"].iloc[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["点位编号", "测评时间", "项目编码", "结果", "说明"])
    ws.append([market["point_id"], "2026-11-25 10:00", "JM01", "符合", None])
    ws.append([market["point_id"], "2026-11-25 10:00", "JM02", "不符合", "未设公平秤"])
    ws.append(["不存在的点位", "2026-11-25 10:00", "JM01", "符合", None])
    path = tmp_path / "测评.xlsx"
    wb.save(path)
    at = _page()
    at.file_uploader(key="insp_import_file").upload(
        "十一月测评.xlsx", path.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    at.run()
    at.button(key="insp_import").click().run()
    assert not at.exception
    assert not at.error, shown(at.error[0])
    assert at.success, (
        [shown(i) for i in at.info],
        [shown(w) for w in at.warning],
        at.file_uploader(key="insp_import_file").value,
    )
    assert "十一月测评.xlsx：导入测评 1 次，上报问题 1 件，拒绝 1 行" in shown(at.success[0])
    rejected = at.dataframe[0].value
    assert rejected["行号"].tolist() == [4] and "不存在的点位" in rejected["原因"].iloc[0]
