import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from chuangcheng import store
from chuangcheng.geo.workflow import INSPECTOR, Actor
from chuangcheng.ingest.ledger_excel import export_ledger, import_ledger
from chuangcheng.store import ledger

INSP = Actor("insp", INSPECTOR)


@pytest.fixture
def engine(tmp_path):
    return store.open_store(f"sqlite:///{tmp_path / 'l.gpkg'}")


def test_excel_ledger_with_bad_rows(engine, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["平城区创城问题台账"])
    ws.append(["序号", "问题描述", "来源", "类别编码", "经度", "纬度", "上报时间"])
    ws.append([1, "鼓楼东街店外经营", "实地测评", "0504", "113.30°", "40.09", "2026-11-02"])
    ws.append([2, "", "督查", "0505", None, None, "2026-11-03"])
    ws.append([3, "公厕无指示牌", "微信", "0303", None, None, None])
    ws.append([4, "乱停车", "热线", "9999", "abc", "40", None])
    ws.append([5, "移动厕所破损", "随手拍", 317, None, None, "2026-11-05"])
    ws.append(["合计"])
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    result = import_ledger(
        path, engine, INSP, now=datetime(2026, 11, 20), locate=lambda lon, lat: {"grid_code": "140213001001001"}
    )
    assert len(result.created) == 2
    assert [r["row"] for r in result.rejected] == [4, 5, 6]
    assert "问题描述为空" in result.rejected[0]["reason"]
    assert "来源 “微信”" in result.rejected[1]["reason"]
    reason = result.rejected[2]["reason"]
    assert "类别编码 “9999”" in reason and "坐标" in reason
    assert result.skipped == [(8, "合计行")]
    cases = ledger.read_cases(engine, INSP)
    assert cases["category_code"].tolist() == ["0504", "0317"]
    assert cases["grid_code"].iloc[0] == "140213001001001" and pd.isna(cases["grid_code"].iloc[1])
    exported = pd.read_excel(io.BytesIO(export_ledger(cases)), engine="calamine")
    assert exported["问题"].tolist() == ["鼓楼东街店外经营", "移动厕所破损"] and "状态" in exported.columns
