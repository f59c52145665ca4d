"""AppTest of the 数据导入 page (a server path stands in for an upload, which AppTest cannot do)."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "data_import.py")


@pytest.fixture
def page(demo_city_path, monkeypatch, tmp_path):
    monkeypatch.setenv("CHUANGCHENG_CITY_DATA", str(demo_city_path))
    return AppTest.from_file(PAGE, default_timeout=180)


def test_import_report_rejected_rows_and_gcj_warning(page, tmp_path, demo_city):
    from geo.coords import wgs84_to_gcj02

    toilets = demo_city[0]["public_toilets"].head(20)
    lon, lat = wgs84_to_gcj02(toilets.geometry.x.to_numpy(), toilets.geometry.y.to_numpy())
    table = pd.DataFrame({"公厕名称": list(toilets["toilet_name"]) + ["坏行"],
                          "经度": [f"{v:.7f}" for v in lon] + ["abc"],
                          "纬度": [f"{v:.7f}" for v in lat] + ["40.0"]})
    path = tmp_path / "toilets.csv"
    table.to_csv(path, index=False, encoding="utf-8-sig")
    at = page.run()
    at.selectbox(key="imp_layer").set_value("public_toilets")
    at.text_input(key="imp_path").input(str(path)).run()
    assert not at.exception
    assert any("接受 20 行，拒绝 1 行" in s.value for s in at.success)
    assert any("GCJ-02" in w.value for w in at.warning)
    assert len(at.dataframe) == 1  # the rejected rows
    at.selectbox(key="imp_system").set_value("gcj02").run()
    assert not any("GCJ-02" in w.value for w in at.warning)


def test_bad_file_shows_a_clear_error(page, tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("{not json", encoding="utf-8")
    at = page.run()
    at.text_input(key="imp_path").input(str(path)).run()
    assert not at.exception
    assert at.error and "x.geojson" in at.error[0].value


def test_commit_then_export_and_restore(page, tmp_path, monkeypatch):
    store_root = tmp_path / "store"
    monkeypatch.setattr("geo.ingest.store.LayerStore.__init__",
                        lambda self, root: setattr(self, "root", store_root))
    path = tmp_path / "m.csv"
    pd.DataFrame({"编号": ["M1"], "市场名称": ["甲市场"], "经度": [113.3], "纬度": [40.09]}).to_csv(path, index=False)
    at = page.run()
    at.selectbox(key="imp_layer").set_value("markets")
    at.text_input(key="imp_path").input(str(path)).run()
    at.button(key="imp_commit").click().run()
    assert not at.exception
    assert any("已写入第 1 版" in s.value for s in at.success)
    assert at.selectbox(key="exp_layer").options[0].startswith("已导入")
    at.button(key="exp_make").click().run()
    assert not at.exception
