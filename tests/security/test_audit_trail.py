"""Every audited action leaves its line (GB/T 22239-2019 §8.1.4.3): who, when, from which
address, what — sign-in and sign-out, password and role changes, accounts, units, categories,
settings, imports and commits, restores, inspections, painting, exports, workflow moves. The
expected lines are written out here, not read back from the code that writes them."""

import time
from datetime import date, datetime, timedelta

import geopandas as gpd
import openpyxl
import pytest
import shapely

from chuangcheng import store
from chuangcheng.geo.workflow import ADMIN, AUDITOR, INSPECTOR, SECURITY, Actor
from chuangcheng.ingest import sandbox
from chuangcheng.store import accounts, audit, imports, inspections, ledger, painting, settings
from chuangcheng.store.layers import read_layer

INSP = Actor("inspector", INSPECTOR)
SYS = Actor("admin", ADMIN)
SEC = Actor("security", SECURITY)
AUD = Actor("auditor", AUDITOR)
ADDRESS = "198.51.100.23"


def _last(engine, action: str):
    log = audit.read_audit(engine, action=action)
    assert not log.empty, f"no audit line for {action}"
    return log.iloc[-1]


def _fresh(line, actor: str, *, address=ADDRESS, target=None):
    assert line["actor"] == actor
    assert line["address"] == address
    assert abs((datetime.now() - line["at"].to_pydatetime()).total_seconds()) < 120
    if target is not None:
        assert line["target"] == target


@pytest.fixture
def engine(demo_store_url, monkeypatch):
    monkeypatch.setenv("CHUANGCHENG_STORE_URL", demo_store_url)
    eng = store.open_store(demo_store_url)
    yield eng
    eng.dispose()


def test_accounts_and_settings_changes(engine):
    from chuangcheng.demo.ledger import DEMO_PASSWORD

    with pytest.raises(accounts.auth.AuthError):
        accounts.sign_in(engine, "inspector", "Wrong-pw-2026", now=time.time(), address=ADDRESS)
    _fresh(_last(engine, "sign_in_failed"), "inspector")
    accounts.sign_in(engine, "inspector", DEMO_PASSWORD, now=time.time(), address=ADDRESS)
    _fresh(_last(engine, "sign_in"), "inspector")
    accounts.record_sign_out(engine, INSP, address=ADDRESS)
    _fresh(_last(engine, "sign_out"), "inspector")
    accounts.change_password(engine, "inspector", DEMO_PASSWORD, "Changed-pw-2026", address=ADDRESS)
    _fresh(_last(engine, "password_change"), "inspector", target="inspector")
    accounts.create_user(engine, SYS, "zhao", "Created-pw-2026", role=INSPECTOR, address=ADDRESS)
    _fresh(_last(engine, "user_create"), "admin", target="zhao")
    accounts.reset_password(engine, SYS, "zhao", "Temp-pw-2026", address=ADDRESS)
    _fresh(_last(engine, "password_reset"), "admin", target="zhao")
    accounts.set_role(engine, SEC, "zhao", "领导", address=ADDRESS)
    line = _last(engine, "role_change")
    _fresh(line, "security", target="zhao")
    assert '"from": "督查受理"' in line["detail"] and '"to": "领导"' in line["detail"]
    accounts.set_disabled(engine, SYS, "zhao", True, address=ADDRESS)
    _fresh(_last(engine, "user_disable"), "admin", target="zhao")
    accounts.register_unit(engine, SYS, "新设单位", address=ADDRESS)
    _fresh(_last(engine, "unit_add"), "admin", target="新设单位")
    ledger.add_category(engine, SYS, code="9901", name="新增事件", kind="事件", address=ADDRESS)
    _fresh(_last(engine, "category_add"), "admin", target="9901")
    settings.change_setting(engine, SYS, "max_age_days", 60, address=ADDRESS)
    line = _last(engine, "setting_change")
    _fresh(line, "admin", target="max_age_days")
    assert '"from": null' in line["detail"] and '"to": 60' in line["detail"]


def test_imports_commits_restores_and_records(engine, tmp_path, demo_city):
    toilets = gpd.GeoDataFrame(
        {"toilet_id": ["AUD1"], "toilet_name": ["审计公厕"]}, geometry=[shapely.Point(113.30, 40.09)], crs="EPSG:4326"
    )
    result, _ = imports.commit_import(
        engine, "public_toilets", toilets, actor=SYS, source_name="新增.csv", expected_version=None, address=ADDRESS
    )
    line = _last(engine, "layer_import")
    _fresh(line, "admin", target="public_toilets")
    imports.restore(
        engine, "public_toilets", result.version - 1, actor=INSP, expected_version=result.version, address=ADDRESS
    )
    _fresh(_last(engine, "layer_restore"), "inspector", target="public_toilets")
    assert "AUD1" not in set(read_layer(engine, "public_toilets")["toilet_id"])

    point = demo_city.frames["inspection_points"].iloc[0]
    checklist = inspections.read_checklist(engine, point["point_type"])
    items = [inspections.ItemResult(code, True, "") for code in checklist["item_code"]]
    inspections.record_inspection(
        engine,
        INSP,
        address=ADDRESS,
        point_id=point["point_id"],
        inspected_at=datetime.now() - timedelta(minutes=5),
        items=items,
    )
    _fresh(_last(engine, "inspection_record"), "inspector", target=point["point_id"])
    section = demo_city.frames["parking_sections"].iloc[0]
    painting.record_painting(
        engine, INSP, address=ADDRESS, section_id=section["section_id"], painted_on=date.today(), bays=1
    )
    _fresh(_last(engine, "painting_record"), "inspector", target=section["section_id"])

    wb = openpyxl.Workbook()
    wb.active.append(["序号", "问题描述", "来源", "类别编码", "经度", "纬度", "上报时间"])
    wb.active.append([1, "鼓楼东街店外经营", "实地测评", "0504", 113.30, 40.09, "2026-11-02"])
    path = tmp_path / "upload.xlsx"
    wb.save(path)
    sandbox.import_ledger(
        path, store_url=str(engine.url), actor=INSP, display_name="十一月台账.xlsx", now=datetime.now(), address=ADDRESS
    )
    line = _last(engine, "ledger_import")
    _fresh(line, "inspector", target="十一月台账.xlsx")
    assert '"created": 1' in line["detail"]


def test_workflow_moves_keep_who_when_and_where(engine):
    cid = ledger.create_case(engine, INSP, title="乱停车", source="督查", at=datetime.now(), address=ADDRESS)
    ledger.transition(engine, INSP, cid, "register", expected_version=1, at=datetime.now(), address=ADDRESS)
    moves = audit.read_ledger_moves(engine, AUD)
    mine = moves[moves["case_id"] == cid]
    assert mine["action"].tolist() == ["report", "register"]
    assert set(mine["actor"]) == {"inspector"} and set(mine["address"]) == {ADDRESS}


def test_an_export_is_logged(engine):
    from chuangcheng.ui import exports

    exports._record("leader", "问题台账（当前筛选）", "问题台账.xlsx", 12)
    line = _last(engine, "export")
    assert line["actor"] == "leader" and line["target"] == "问题台账（当前筛选）"
    assert '"rows": 12' in line["detail"] and '"file": "问题台账.xlsx"' in line["detail"]
