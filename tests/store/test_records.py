"""Inspection and painting records on both backends: what is stored, what is derived from it,
and what is refused (with the point, section or row named)."""

from datetime import date, datetime

import geopandas as gpd
import openpyxl
import pytest
import shapely
import sqlalchemy as sa

from chuangcheng import store
from chuangcheng.geo.workflow import ADMIN, INSPECTOR, LEADER, UNIT, Actor
from chuangcheng.ingest.inspection_excel import import_inspections
from chuangcheng.store import accounts, audit, inspections, layers, ledger, painting
from chuangcheng.store.city import load_city
from chuangcheng.store.db import writing
from chuangcheng.store.errors import PermissionDenied, RecordError
from chuangcheng.store.imports import commit_import

INSP = Actor("insp", INSPECTOR)
NOW = datetime(2026, 11, 20, 18)


@pytest.fixture
def engine(store_url):
    eng = store.open_store(store_url)
    points = gpd.GeoDataFrame(
        {
            "point_id": ["P1", "P2"],
            "point_name": ["鼓楼公厕", "华严市场"],
            "point_type": ["室外公共厕所", "集贸市场"],
            "responsible_unit": ["环卫中心", "市场监管局"],
        },
        geometry=[shapely.Point(113.30, 40.09), shapely.Point(113.31, 40.10)],
        crs="EPSG:4326",
    )
    layers.commit_layer(eng, "inspection_points", points, actor="t", effective_at=datetime(2026, 1, 1))
    sections = gpd.GeoDataFrame(
        {"section_id": ["S1"], "road_name": ["和平路"], "planned_bays": [40], "responsible_unit": ["城管局"]},
        geometry=[shapely.LineString([(113.30, 40.09), (113.31, 40.09)])],
        crs="EPSG:4326",
    )
    layers.commit_layer(eng, "parking_sections", sections, actor="t", effective_at=datetime(2026, 1, 1))
    with writing(eng) as conn:
        accounts.add_units(conn, [{"name": "城管局"}, {"name": "市场监管局"}])
    yield eng
    eng.dispose()


def _items(*results):
    codes = ["GC01", "GC02", "GC03", "GC04", "GC05"]
    return [
        inspections.ItemResult(code, passed, "" if passed else "未见", open_case)
        for code, (passed, open_case) in zip(codes, results)
    ]


def test_an_inspection_stores_items_derives_the_result_and_opens_cases(engine):
    saved = inspections.record_inspection(
        engine,
        INSP,
        point_id="P1",
        inspected_at=datetime(2026, 11, 10, 9),
        items=_items((True, False), (False, True), (False, False), (True, False), (True, False)),
        area={"district_code": "140213", "grid_code": "140213001001001"},
        now=NOW,
    )
    assert saved.result == "不达标" and len(saved.case_ids) == 1  # one failed item asked for a case
    case = ledger.read_cases(engine).set_index("id").loc[saved.case_ids[0]]
    assert case["title"] == "鼓楼公厕：设有无障碍厕位（不符合）" and case["point_id"] == "P1"
    assert case["source"] == "实地测评" and case["category_code"] == "0301" and case["grid_code"] == "140213001001001"
    found, items = inspections.read_inspections(engine)
    assert found["result"].tolist() == ["不达标"] and len(items) == 5
    assert items.set_index("item_code").loc["GC02", "case_id"] == saved.case_ids[0]
    passed = inspections.record_inspection(
        engine, INSP, point_id="P1", inspected_at=datetime(2026, 11, 12, 9), items=_items(*[(True, False)] * 5), now=NOW
    )
    assert passed.result == "达标" and passed.case_ids == ()
    city = load_city(engine, datetime(2026, 11, 20, 23)).frames["inspection_points"].set_index("point_id")
    assert city.loc["P1", "latest_result"] == "达标" and city.loc["P1", "latest_check_date"] == "2026-11-12"
    assert city.loc["P1", "open_problems"] == 1 and city.loc["P2", "latest_result"] == "未测评"
    assert audit.read_audit(engine)["action"].tolist().count("inspection_record") == 2


def test_bad_inspections_are_refused_and_write_nothing(engine):
    with pytest.raises(RecordError, match="测评点位 “P9” 不存在"):
        inspections.record_inspection(
            engine, INSP, point_id="P9", inspected_at=NOW, items=_items((True, False)), now=NOW
        )
    with pytest.raises(RecordError, match="JM01 不属于“室外公共厕所”"):
        inspections.record_inspection(
            engine, INSP, point_id="P1", inspected_at=NOW, items=[inspections.ItemResult("JM01", True)], now=NOW
        )
    with pytest.raises(RecordError, match="晚于现在"):
        inspections.record_inspection(
            engine, INSP, point_id="P1", inspected_at=datetime(2027, 1, 1), items=_items((True, False)), now=NOW
        )
    with pytest.raises(PermissionDenied, match="领导账号不能记录实地测评"):
        inspections.record_inspection(
            engine, Actor("l", LEADER), point_id="P1", inspected_at=NOW, items=_items((True, False)), now=NOW
        )
    assert inspections.read_inspections(engine)[0].empty and ledger.read_cases(engine).empty


def test_painting_records_are_bounded_and_role_checked(engine):
    painting.record_painting(engine, INSP, section_id="S1", painted_on=date(2026, 11, 2), bays=30, now=NOW)
    with pytest.raises(RecordError, match="和平路.*已施划 30 个、规划 40 个.*再登记 11 个后为 41 个"):
        painting.record_painting(engine, INSP, section_id="S1", painted_on=date(2026, 11, 3), bays=11, now=NOW)
    with pytest.raises(RecordError, match="非零整数"):
        painting.record_painting(engine, INSP, section_id="S1", painted_on=date(2026, 11, 3), bays=0, now=NOW)
    with pytest.raises(PermissionDenied, match="市场监管局无权登记"):
        painting.record_painting(
            engine, Actor("u", UNIT, "市场监管局"), section_id="S1", painted_on=date(2026, 11, 3), bays=1, now=NOW
        )
    painting.record_painting(
        engine, Actor("c", UNIT, "城管局"), section_id="S1", painted_on=date(2026, 11, 4), bays=-2, note="更正", now=NOW
    )
    frames = load_city(engine, datetime(2026, 11, 3)).frames
    assert frames["parking_sections"]["painted_bays"].tolist() == [30]
    assert load_city(engine, datetime(2026, 11, 5)).frames["parking_sections"]["painted_bays"].tolist() == [28]


def test_importing_sections_with_painted_bays_writes_correction_records(engine):
    painting.record_painting(engine, INSP, section_id="S1", painted_on=date(2026, 11, 2), bays=10, now=NOW)
    incoming = gpd.GeoDataFrame(
        {"section_id": ["S1"], "road_name": ["和平路"], "planned_bays": [40], "painted_bays": [25], "source_row": [2]},
        geometry=[shapely.LineString([(113.30, 40.09), (113.31, 40.09)])],
        crs="EPSG:4326",
    )
    result, written = commit_import(
        engine, "parking_sections", incoming, actor=Actor("a", ADMIN), source_name="路段.xlsx"
    )
    assert result.version == 2 and written == 1
    records = painting.read_paint_records(engine)
    assert records["bays"].tolist() == [10, 15] and records["source"].iloc[-1] == "路段.xlsx 第 2 行"
    too_many = incoming.assign(painted_bays=[41])
    with pytest.raises(RecordError, match="路段.xlsx 第 2 行.*大于规划泊位 40"):
        commit_import(engine, "parking_sections", too_many, actor=Actor("a", ADMIN), source_name="路段.xlsx")
    assert [v.version for v in layers.versions(engine, "parking_sections")] == [1, 2]  # nothing written
    with pytest.raises(PermissionDenied):
        commit_import(engine, "parking_sections", incoming, actor=Actor("l", LEADER), source_name="x")


def test_an_inspection_sheet_is_imported_by_inspection(engine, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年11月实地测评记录"])
    ws.append(["点位编号", "测评时间", "项目编码", "结果", "测评人", "说明", "是否上报问题"])
    ws.append(["P1", "2026-11-10 09:00", "GC01", "符合", "张三", None, None])
    ws.append(["P1", "2026-11-10 09:00", "GC03", "不符合", "张三", "有异味", None])
    ws.append(["P1", "2026-11-10 09:00", "GC05", "不符合", "张三", "收费", "否"])
    ws.append(["P2", "2026-11-11 10:00", "JM01", "达标", "李四", None, None])
    ws.append(["P2", "2026-11-11 10:00", "JM02", "也许", "李四", None, None])  # unreadable: whole inspection out
    ws.append(["P9", "2026-11-11 10:00", "GC01", "符合", "李四", None, None])  # unknown point
    ws.append([None] * 7)
    ws.append(["合计"])
    path = tmp_path / "测评.xlsx"
    wb.save(path)
    result = import_inspections(path, engine, INSP, now=NOW, display_name="十一月测评.xlsx")
    assert len(result.saved) == 1 and result.saved[0].result == "不达标" and result.cases == 1
    rows = {r["row"]: r["reason"] for r in result.rejected}
    assert sorted(rows) == [6, 7, 8]
    assert "“也许”" in rows[7] and "第 7 行有误" in rows[6] and "P9" in rows[8]
    assert {r["file"] for r in result.rejected} == {"十一月测评.xlsx"}
    assert result.skipped == [(9, "空行"), (10, "合计行")]
    found, _ = inspections.read_inspections(engine)
    assert found["inspector"].tolist() == ["张三"] and found["source"].tolist() == ["十一月测评.xlsx"]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT created_by FROM inspections")).scalar() == "insp"
