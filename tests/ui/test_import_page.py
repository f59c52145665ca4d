"""AppTest of the 数据导入 page, and of an import reaching every other page through the store."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from chuangcheng import store
from chuangcheng.geo.workflow import ADMIN, INSPECTOR, LEADER, Actor
from chuangcheng.store import layers
from tests.ui.helpers import in_script, map_script, shown, sign_in_as, tile_value, wall_views

VIEWS = Path(__file__).resolve().parents[2] / "chuangcheng" / "views"
ADMIN_ACTOR = Actor("admin", ADMIN)


@pytest.fixture
def url(demo_store_url, monkeypatch):
    monkeypatch.setenv("CHUANGCHENG_STORE_URL", demo_store_url)
    return demo_store_url


def _page(name: str, actor: Actor | None = None) -> AppTest:
    at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=240)
    if actor is not None:
        sign_in_as(at, actor)
    return at


def _csv(rows: dict) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8-sig")


def _upload(at, name: str, data: bytes, layer: str) -> AppTest:
    at.selectbox(key="imp_layer").set_value(layer).run()
    at.file_uploader(
        key=f"imp_upload_{at.session_state['imp_round'] if 'imp_round' in at.session_state else 0}"
    ).upload(name, data, "text/csv")
    return at.run()


def _new_toilets(n: int = 15) -> bytes:
    # Fifteen toilets along a street in the south-west of 平城区, where few stand today.
    return _csv(
        {
            "公厕编号": [f"NEW{k:02d}" for k in range(n)],
            "公厕名称": [f"新建公厕{k}号" for k in range(n)],
            "类型": ["固定公厕"] * n,
            "经度": [113.245 + 0.004 * k for k in range(n)],
            "纬度": [40.035] * n,
        }
    )


def test_report_rejected_rows_and_gcj_warning(url, demo_city):
    from chuangcheng.geo.coords import wgs84_to_gcj02

    toilets = demo_city.frames["public_toilets"].head(20)
    lon, lat = wgs84_to_gcj02(toilets.geometry.x.to_numpy(), toilets.geometry.y.to_numpy())
    data = _csv(
        {
            "公厕名称": list(toilets["toilet_name"]) + ["坏行"],
            "经度": [f"{v:.7f}" for v in lon] + ["abc"],
            "纬度": [f"{v:.7f}" for v in lat] + ["40.0"],
        }
    )
    at = _upload(_page("data_import").run(), "公厕台账.csv", data, "public_toilets")
    assert not at.exception
    assert any("公厕台账.csv：读取 21 行，接受 20 行，拒绝 1 行" in shown(s) for s in at.success)
    assert any("GCJ-02" in shown(w) for w in at.warning)
    rejected = at.dataframe[0].value
    assert rejected["文件"].tolist() == ["公厕台账.csv"] and rejected["行号"].tolist() == [22]
    at.selectbox(key="imp_system").set_value("gcj02").run()
    assert not any("GCJ-02" in shown(w) for w in at.warning)


def test_bad_file_names_the_users_file(url):
    at = _page("data_import").run()
    at.file_uploader(key="imp_upload_0").upload("坏文件.geojson", b"{not json", "application/json")
    at.run()
    assert not at.exception
    assert at.error and "坏文件.geojson" in shown(at.error[0])


def test_writing_needs_an_account_that_may_import(url):
    at = _upload(_page("data_import", Actor("leader", LEADER)).run(), "t.csv", _new_toilets(2), "public_toilets")
    assert any("确认后写入第 **2** 版" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == "imp_commit"]
    assert any("写入需要以督查受理、系统管理员账号登录" in shown(i) for i in at.info)


def test_commit_restore_and_stale_preview(url):
    at = _upload(_page("data_import", ADMIN_ACTOR).run(), "新公厕.csv", _new_toilets(), "public_toilets")
    assert any("当前为第 **1** 版" in m.value and "新增 15" in m.value for m in at.markdown)
    at.button(key="imp_commit").click().run()
    assert not at.exception
    assert any("已写入“公共厕所”第 2 版：新增 15" in shown(s) for s in at.success)
    assert not at.file_uploader[0].value and not [b for b in at.button if b.key == "imp_commit"]  # done
    engine = store.open_store(url)
    now = layers.read_layer(engine, "public_toilets")
    assert now["toilet_id"].str.startswith("NEW").sum() == 15
    assert now.loc[now["toilet_id"] == "NEW03", "source"].iloc[0] == "新公厕.csv 第 5 行"
    # A preview made against version 2; someone else commits version 3; the commit is refused.
    at = _upload(_page("data_import", ADMIN_ACTOR).run(), "再导入.csv", _new_toilets(3), "public_toilets")
    layers.commit_layer(engine, "public_toilets", now.head(1), actor="someone-else")
    at.button(key="imp_commit").click().run()
    assert any("已被他人更新为第 3 版（您预览时是第 2 版）" in shown(e) for e in at.error)
    assert [v.version for v in layers.versions(engine, "public_toilets")] == [1, 2, 3]
    # Restore version 1: the new toilets are gone again, as version 4.
    at = _page("data_import", ADMIN_ACTOR).run()
    at.selectbox(key="exp_layer").set_value("public_toilets").run()
    at.selectbox(key="exp_restore").set_value(1)
    at.button(key="exp_restore_btn").click().run()
    assert any("第 1 版恢复为第 4 版" in shown(s) for s in at.success), [shown(e) for e in at.error]
    assert not layers.read_layer(engine, "public_toilets")["toilet_id"].str.startswith("NEW").any()
    at.button(key="exp_make").click().run()
    assert not at.exception and at.get("download_button")


def _toilet_tile(at) -> int:
    page = "\n".join(m.value for m in at.markdown)
    block = page.split('公共厕所</div><div class="cc-v">', 1)[1]
    return int(block.split("<", 1)[0].replace(",", ""))


def test_an_import_reaches_every_page(url, demo_city):
    toilets_before = len(demo_city.frames["public_toilets"])
    battle = _page("battle_map").run()
    assert _toilet_tile(battle) == toilets_before
    coverage_before = "\n".join(m.value for m in _page("coverage").run().markdown)
    wall_before = _page("wall").run()
    press = _page("press")
    press.run()
    press.button[0].click().run()
    poster_before = press.get("imgs")[0].proto.imgs[0].url if press.get("imgs") else None

    at = _upload(_page("data_import", ADMIN_ACTOR).run(), "新公厕.csv", _new_toilets(), "public_toilets")
    at.button(key="imp_commit").click().run()
    points = _csv(
        {
            "点位编号": ["CPNEW1"],
            "点位名称": ["新增测评点位（导入）"],
            "点位类型": ["公园"],
            "经度": [113.31],
            "纬度": [40.08],
        }
    )
    at = _upload(_page("data_import", ADMIN_ACTOR).run(), "点位.csv", points, "inspection_points")
    at.button(key="imp_commit").click().run()
    assert sum("已写入" in shown(s) for s in at.success) == 1

    # 作战挂图: the tile counts the new toilets and the map draws them
    battle = _page("battle_map").run()
    assert _toilet_tile(battle) == toilets_before + 15
    assert in_script(map_script(battle), "新建公厕7号") and in_script(map_script(battle), "新增测评点位（导入）")
    # 15分钟生活圈: 在用公厕 and the coverage figure follow; the what-if list offers the new ones
    coverage = _page("coverage").run()
    page = "\n".join(m.value for m in coverage.markdown)
    assert f">{toilets_before + 15}<" in page and page != coverage_before
    assert "NEW07" in coverage.multiselect(key="cov_excluded").options[-15:][7] or any(
        "NEW07" in o for o in coverage.multiselect(key="cov_excluded").options
    )
    # 大屏: the tile and the rotating map
    wall = _page("wall").run()
    assert _wall_tile(wall, "公共厕所") == _wall_tile(wall_before, "公共厕所") + 15
    assert in_script(wall.get("iframe")[0].proto.srcdoc, "新建公厕7号")
    # 问题台账 and 实地测评: the new point can be reported and inspected
    ledger = _page("ledger", Actor("inspector", INSPECTOR)).run()
    assert "CPNEW1" in [o.split(" ")[0] for o in ledger.selectbox(key="rep_point").options]
    inspect = _page("inspections", Actor("inspector", INSPECTOR)).run()
    assert any(o.startswith("CPNEW1 ") for o in inspect.selectbox(key="insp_point").options)
    # 宣传导出: the poster is drawn again from the new data
    press = _page("press")
    press.run()
    press.button[0].click().run()
    assert not press.exception
    assert poster_before is None or press.get("imgs")[0].proto.imgs[0].url != poster_before


def _wall_tile(at, label: str) -> int:
    city_view = wall_views(at.get("iframe")[0].proto.srcdoc)[0]
    return int(tile_value(city_view["panel_html"], label).replace(",", ""))
