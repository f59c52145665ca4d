"""Safe output: spreadsheet cells that would run as formulas are written as text; user strings
shown through markdown never become links or images (checked by rendering each page's markdown
with an independent CommonMark renderer); poster text with ``$`` is not mathtext."""

import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from chuangcheng import store
from chuangcheng.geo.workflow import INSPECTOR, Actor
from chuangcheng.ingest.export import export_layer, to_csv_bytes, to_xlsx_bytes
from chuangcheng.ingest.ledger_excel import export_ledger
from chuangcheng.layers.poster import PosterSpec, render_poster, to_bytes
from chuangcheng.store import accounts, imports, ledger
from chuangcheng.store.db import writing
from tests.ui.helpers import sign_in_as

EVIL_HOST = "203.0.113.9"  # TEST-NET-3: if a page ever fetched it, the request would leave the machine
EVIL = {
    "unit": f"![单位](http://{EVIL_HOST}/unit.png)",
    "title": f'[点我](http://{EVIL_HOST}/t) =HYPERLINK("http://{EVIL_HOST}","x")',
    "toilet": f"<img src=http://{EVIL_HOST}/toilet.png>![t](http://{EVIL_HOST}/t.png)",
    "file": f"![f](http://{EVIL_HOST}/f.png)",
}
RISKY = ['=HYPERLINK("http://x","点")', "+86 352 1234", "-2 号楼", "@SUM(A1)", "\t制表", "\r回车"]
VIEWS = Path(__file__).resolve().parents[2] / "chuangcheng" / "views"


def test_xlsx_cells_that_look_like_formulas_are_text_cells_shown_as_typed():
    frame = pd.DataFrame({"问题": RISKY, "件数": [-5, 1, 2, 3, 4, 5]})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame))).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    texts = [c for c in cells if c.column == 1]
    # (XML turns a lone CR into LF; the cell is still the text typed)
    assert [c.value for c in texts] == [v.replace("\r", "\n") for v in RISKY] and all(c.quotePrefix for c in texts)
    assert [c.value for c in cells if c.column == 2] == [-5, 1, 2, 3, 4, 5]  # numbers stay numbers


def test_csv_cells_that_look_like_formulas_start_with_an_apostrophe():
    import csv

    data = to_csv_bytes(pd.DataFrame({"问题": RISKY, "件数": [-5, 1, 2, 3, 4, 5]})).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))[1:]
    assert [r[0] for r in rows] == ["'" + v for v in RISKY]  # a CR inside a cell does not split its row
    assert [r[1] for r in rows] == ["-5", "1", "2", "3", "4", "5"]  # numbers are not touched


def test_the_ledger_and_layer_exports_are_formula_free():
    cases = pd.DataFrame(
        {
            "id": [1],
            "title": [EVIL["title"].split(" ", 1)[1]],
            "state": ["已派遣"],
            "unit": ["@单位"],
            "reported_at": [datetime(2026, 11, 1)],
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export_ledger(cases))).active
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    layer = gpd.GeoDataFrame(
        {"toilet_id": ["T1"], "toilet_name": ["=1+1"]}, geometry=[shapely.Point(113.3, 40.09)], crs="EPSG:4326"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export_layer(layer, "xlsx", layer_name="public_toilets"))).active
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert "=1+1" in [c.value for row in sheet.iter_rows() for c in row]


def _outside_urls(at) -> list[str]:
    """URLs an img/a would load from the rendered markdown of every element on the page."""
    found = []
    for element in [*at.markdown, *at.caption, *at.info, *at.success, *at.error, *at.warning]:
        allow_html = bool(getattr(element.proto, "allow_html", False))
        rendered = MarkdownIt("commonmark", {"html": allow_html}).render(str(element.value))
        found += [u for u in re.findall(r'(?:src|href)\s*=\s*"?([^"\s>]+)', rendered) if EVIL_HOST in u]
    return found


def _all_text(at) -> str:
    return "\n".join(str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.success, *at.error, *at.warning])


@pytest.fixture
def poisoned(demo_store_url, monkeypatch):
    """A demo store with a unit, a case and a toilet named by an attacker."""
    monkeypatch.setenv("CHUANGCHENG_STORE_URL", demo_store_url)
    engine = store.open_store(demo_store_url)
    with writing(engine) as conn:
        accounts.add_units(conn, [{"name": EVIL["unit"]}])
        accounts.insert_user(conn, "evilunit", "Evil-unit-2026", role="责任单位", unit=EVIL["unit"])
    insp = Actor("inspector", INSPECTOR)
    cid = ledger.create_case(engine, insp, title=EVIL["title"], source="督查", at=datetime.now())
    case = ledger.transition(engine, insp, cid, "register", expected_version=1, at=datetime.now())
    ledger.transition(
        engine,
        insp,
        cid,
        "dispatch",
        expected_version=case.version,
        at=datetime.now(),
        unit=EVIL["unit"],
        deadline=datetime.now() + timedelta(days=3),
    )
    toilet = gpd.GeoDataFrame(
        {"toilet_id": ["EVIL1"], "toilet_name": [EVIL["toilet"]]},
        geometry=[shapely.Point(113.30, 40.09)],
        crs="EPSG:4326",
    )
    imports.commit_import(engine, "public_toilets", toilet, actor=Actor("admin", "系统管理员"), source_name="x.csv")
    yield engine, cid
    engine.dispose()


def test_the_ledger_page_shows_attacker_names_as_text(poisoned):
    _, cid = poisoned
    at = AppTest.from_file(str(VIEWS / "ledger.py"), default_timeout=240)
    sign_in_as(at, Actor("inspector", INSPECTOR))
    at.run()
    at.selectbox(key="led_case").set_value(cid).run()
    assert not at.exception
    assert _outside_urls(at) == []
    assert "单位" in _all_text(at) and EVIL_HOST.replace(".", "\\.") in _all_text(at)  # shown, escaped


def test_the_battle_map_escapes_attacker_names_in_popups(poisoned):
    from tests.ui.helpers import map_script

    at = AppTest.from_file(str(VIEWS / "battle_map.py"), default_timeout=240).run()
    assert not at.exception and _outside_urls(at) == []
    script = map_script(at)
    # drawn, as escaped text (folium writes & as \u0026 in its JSON)
    assert re.search(rf"(&|\\u0026)lt;img src=http://{re.escape(EVIL_HOST)}/toilet\.png", script)
    assert f"<img src=http://{EVIL_HOST}" not in script and "\\u003cimg" not in script


def test_an_upload_named_by_an_attacker_is_reported_as_text(poisoned):
    at = AppTest.from_file(str(VIEWS / "data_import.py"), default_timeout=240).run()
    at.selectbox(key="imp_layer").set_value("public_toilets").run()
    data = "公厕名称,经度,纬度\n甲,113.3,40.09\n乙,abc,40.0\n".encode("utf-8")
    at.file_uploader(key="imp_upload_0").upload(f"{EVIL['file']}.csv", data, "text/csv")
    at.run()
    assert not at.exception
    assert "接受 1 行" in _all_text(at)
    assert _outside_urls(at) == []


def test_a_dollar_in_a_poster_title_is_a_dollar(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    admin = frames["admin_boundaries"]
    title = "奖励$5$元：$x^2$"
    fig = render_poster(
        frames, meta, PosterSpec(title, "副标题 $y$", paper="A4"), focus=admin[admin["adcode"] == "140213"]
    )
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_parse_math"))]
    assert title in [t.get_text() for t in texts]
    assert not [t.get_text() for t in texts if t._preprocess_math(t.get_text())[1]]  # nothing is mathtext
    pdf = to_bytes(fig, "pdf")
    assert b"Oblique" not in pdf and b"cmmi" not in pdf.lower()  # no math italic font was needed
