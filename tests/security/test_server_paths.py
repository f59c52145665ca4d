"""No page lets anyone type a path on the server. Bulk files come only from the configured import
folder, picked by a 系统管理员 from a list; whatever name reaches the resolver, the resolved
file must lie inside the folder and be a regular file of a supported format."""

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.workflow import ADMIN, INSPECTOR, LEADER, Actor
from chuangcheng.ingest.server_files import list_files, resolve
from chuangcheng.store.errors import PermissionDenied
from tests.ui.helpers import sign_in_as

SYS = Actor("admin", ADMIN)
VIEWS = Path(__file__).resolve().parents[2] / "chuangcheng" / "views"


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "import"
    (root / "2026").mkdir(parents=True)
    (root / "公厕.csv").write_text("公厕名称,经度,纬度\n甲,113.3,40.09\n", encoding="utf-8")
    (root / "2026" / "市场.geojson").write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    (root / "说明.txt").write_text("not data", encoding="utf-8")
    (tmp_path / "secret.csv").write_text("password\n", encoding="utf-8")
    os.symlink(tmp_path / "secret.csv", root / "链接.csv")  # leads outside
    os.symlink("/dev/zero", root / "zero.csv")  # not a regular file
    return root


def test_only_supported_files_inside_the_folder_are_listed(folder):
    assert list_files(folder, SYS) == ["2026/市场.geojson", "公厕.csv"]


@pytest.mark.parametrize(
    "name",
    [
        "../secret.csv",
        "/etc/passwd",
        "链接.csv",
        "zero.csv",
        "说明.txt",
        "2026/../../secret.csv",
        "公厕.csv\x00.png",
        "不存在.csv",
    ],
)
def test_names_that_leave_the_folder_or_are_not_data_are_refused(folder, name):
    with pytest.raises(CityDataError):
        resolve(folder, name, SYS)


def test_only_the_system_administrator_may_look(folder):
    assert resolve(folder, "公厕.csv", SYS) == (folder / "公厕.csv").resolve()
    for role in (INSPECTOR, LEADER):
        with pytest.raises(PermissionDenied):
            list_files(folder, Actor("x", role))
        with pytest.raises(PermissionDenied):
            resolve(folder, "公厕.csv", Actor("x", role))


@pytest.mark.parametrize("page", ["data_import", "ledger", "inspections", "accounts", "press", "coverage"])
def test_no_page_has_a_free_text_field_for_a_path(demo_store_url, monkeypatch, folder, page):
    monkeypatch.setenv("CHUANGCHENG_STORE_URL", demo_store_url)
    monkeypatch.setenv("CHUANGCHENG_IMPORT_DIR", str(folder))
    at = AppTest.from_file(str(VIEWS / f"{page}.py"), default_timeout=240)
    sign_in_as(at, SYS if page in ("data_import", "accounts") else Actor("inspector", INSPECTOR))
    at.run()
    if page == "data_import":
        at.radio(key="imp_source").set_value("服务器导入目录").run()
        assert at.selectbox(key="imp_server_file").options == ["2026/市场.geojson", "公厕.csv"]
    assert not at.exception
    fields = [w.label for w in [*at.text_input, *at.text_area]]
    assert not [f for f in fields if any(word in f.lower() for word in ("路径", "path", "目录", "文件"))], fields
