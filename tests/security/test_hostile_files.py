"""Replays of the file attacks found against the first version (issue 安全), each refused with a
Chinese message naming the file, and the silent losses it had, each now accounted for.

The parse runs in a child process (``ingest.sandbox``); where an attack is about what that
child may do (read another file, reach the network, exhaust memory), the test goes around the
format check on purpose and shows the child's own limits hold."""

import http.server
import json
import os
import sqlite3
import threading
import zipfile

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely

from chuangcheng.geo.errors import CityDataError
from chuangcheng.ingest import formats, sandbox
from chuangcheng.ingest.importer import import_file

SECRET = "root:x:0:0:root:/root:/bin/bash"


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def _vrt(source: str) -> str:
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>{source}</SrcDataSource>'
        "<SrcLayer>x</SrcLayer></OGRVRTLayer></OGRVRTDataSource>"
    )


@pytest.mark.parametrize(
    "name, content",
    [
        ("公厕.json", _vrt("/etc/passwd")),
        ("公厕.geojson", "\ufeff  \n" + _vrt("CSV:/etc/passwd")),
        ("公厕.kml", '<?xml version="1.0"?>' + _vrt("/vsicurl/http://127.0.0.1:9/")),
    ],
)
def test_a_vrt_in_disguise_is_refused_before_anything_opens_it(tmp_path, name, content):
    path = tmp_path / "upload-1234"
    path = path.with_suffix(os.path.splitext(name)[1])
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CityDataError, match=f"文件 {name} 不是有效的.*虚拟数据源") as err:
        sandbox.import_file(path, "public_toilets", display_name=name)
    assert "upload-1234" not in str(err.value)  # the server's own path is never shown


def test_even_past_the_check_the_child_has_no_vrt_driver(tmp_path):
    """If a VRT slipped past the content check, the child could not open it as VRT: it knows
    only the GeoJSON driver, and nothing of /etc/passwd comes back."""
    path = tmp_path / "x.json"
    path.write_text(_vrt("CSV:/etc/passwd"), encoding="utf-8")
    with pytest.raises(CityDataError) as err:
        sandbox.run(
            "import",
            {"path": str(path), "layer": "public_toilets", "display_name": "x.json"},
            allowed_drivers=formats.FORMATS[".json"].drivers,
            display_name="x.json",
        )
    assert "root:" not in str(err.value)


def test_the_childs_gdal_knows_only_the_declared_formats_drivers(tmp_path):
    import subprocess
    import sys

    vrt = tmp_path / "x.vrt"
    vrt.write_text(_vrt("CSV:/etc/passwd"), encoding="utf-8")
    probe = (
        "import pyogrio, sys\n"
        "print(sorted(pyogrio.list_drivers()))\n"
        "try:\n    pyogrio.read_dataframe(sys.argv[1]); print('OPENED')\n"
        "except Exception as exc:\n    print('REFUSED', type(exc).__name__)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(vrt)],
        env=sandbox.child_env(("GeoJSON",)),
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    drivers, outcome = out.strip().splitlines()
    assert "'GeoJSON'" in drivers and "VRT" not in drivers and "GPKG" not in drivers and "CSV" not in drivers
    assert outcome.startswith("REFUSED")


def test_a_database_posing_as_a_geopackage_is_refused(tmp_path):
    path = tmp_path / "台账.gpkg"
    with sqlite3.connect(path) as db:  # the ledger's users table, as an attacker would send it
        db.execute("CREATE TABLE users (username TEXT, password_hash TEXT)")
        db.execute("INSERT INTO users VALUES ('admin', 'scrypt$16384$8$1$aa$bb')")
    with pytest.raises(CityDataError, match="不是 GeoPackage"):
        sandbox.import_file(path, "public_toilets", display_name="台账.gpkg")


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"type": "FeatureCollection", "features": []}')

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    _Counter.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_parsing_child_reaches_no_network(tmp_path, listener):
    """A KML network link and a zip member named as a URL: neither makes any request."""
    kml = tmp_path / "链接.kml"
    kml.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<NetworkLink><name>远程</name><Link><href>{listener}/remote.kml</href></Link></NetworkLink>
<Placemark><name>甲</name><Point><coordinates>113.30,40.09</coordinates></Point></Placemark>
</Document></kml>""",
        encoding="utf-8",
    )
    try:
        report = sandbox.import_file(kml, "public_toilets", display_name="链接.kml")
        assert report.rows_read == report.n_accepted + len(report.rejected) + len(report.skipped)
    except CityDataError as exc:
        assert "链接.kml" in str(exc)
    archive = tmp_path / "远程.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"/vsicurl/{listener}/x.shp", b"")
    with pytest.raises(CityDataError, match="不安全"):
        sandbox.import_file(archive, "public_toilets", display_name="远程.zip")
    assert _Counter.hits == []


def _bomb(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = "公厕名称", "经度", "纬度"
    ws["XFD1048576"] = 1
    wb.save(path)


def test_a_one_cell_workbook_bomb_is_refused_by_its_size(tmp_path):
    path = tmp_path / "炸弹.xlsx"
    _bomb(path)
    assert path.stat().st_size < 10_000
    with pytest.raises(CityDataError, match="使用范围达 1,048,576 行 × 16,384 列"):
        sandbox.import_file(path, "public_toilets", display_name="炸弹.xlsx")


def test_a_limit_hit_in_the_child_is_a_message_and_this_process_lives_on(tmp_path):
    """Past the size check, the child's memory and CPU limits end the parse, not the server."""
    path = tmp_path / "炸弹.xlsx"
    _bomb(path)
    small = sandbox.Limits(memory_bytes=600 * 2**20, cpu_s=20, output_bytes=2**20, wall_s=60)
    with pytest.raises(CityDataError, match="炸弹.xlsx") as err:
        sandbox.run(
            "import",
            {"path": str(path), "layer": "public_toilets", "display_name": "炸弹.xlsx"},
            display_name="炸弹.xlsx",
            limits=small,
        )
    assert "上限" in str(err.value) or "异常退出" in str(err.value) or "失败" in str(err.value)
    big = tmp_path / "大表.csv"
    big.write_text("公厕名称,经度,纬度\n" + "某公厕,113.3,40.09\n" * 300_000, encoding="utf-8")
    tight = sandbox.Limits(memory_bytes=6 * 2**30, cpu_s=1, output_bytes=2**30, wall_s=60)
    with pytest.raises(CityDataError, match="计算时间上限"):
        sandbox.import_file(big, "public_toilets", display_name="大表.csv", limits=tight)
    hung = sandbox.Limits(wall_s=0.3)
    with pytest.raises(CityDataError, match="超过了 0 秒"):
        sandbox.import_file(big, "public_toilets", display_name="大表.csv", limits=hung)
    # and this process still parses a good file
    good = tmp_path / "好.csv"
    good.write_text("公厕名称,经度,纬度\n甲,113.3,40.09\n", encoding="utf-8")
    assert sandbox.import_file(good, "public_toilets", display_name="好.csv").n_accepted == 1


def test_a_zip_with_two_shapefiles_reads_both(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    for name, x in (("东片", 113.30), ("西片", 113.20)):
        gdf = gpd.GeoDataFrame(
            {"名称": [f"{name}公厕1", f"{name}公厕2"]},
            geometry=[shapely.Point(x, 40.09), shapely.Point(x, 40.10)],
            crs="EPSG:4326",
        )
        pyogrio.write_dataframe(gdf, folder / f"{name}.shp", encoding="UTF-8")
    archive = tmp_path / "两片.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    report = import_file(archive, "public_toilets")
    assert sorted(report.accepted["toilet_name"]) == ["东片公厕1", "东片公厕2", "西片公厕1", "西片公厕2"]


def test_a_utf8_dbf_without_cpg_is_not_mojibake(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    gdf = gpd.GeoDataFrame(
        {"名称": ["鼓楼东街公厕", "华严寺公厕"]},
        geometry=[shapely.Point(113.30, 40.09), shapely.Point(113.31, 40.10)],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(gdf, folder / "厕.shp", encoding="UTF-8")
    (folder / "厕.cpg").unlink(missing_ok=True)
    archive = tmp_path / "厕.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    assert import_file(archive, "public_toilets").accepted["toilet_name"].tolist() == ["鼓楼东街公厕", "华严寺公厕"]


def test_a_workbook_with_two_data_sheets_is_refused_by_name(tmp_path):
    path = tmp_path / "两表.xlsx"
    wb = openpyxl.Workbook()
    for title in ("城区", "郊区"):
        ws = wb.create_sheet(title)
        ws.append(["公厕名称", "经度", "纬度"])
        ws.append([f"{title}公厕", 113.3, 40.09])
    del wb["Sheet"]
    wb.save(path)
    with pytest.raises(CityDataError, match="城区.*郊区|郊区.*城区"):
        import_file(path, "public_toilets")


def test_vector_coordinates_outside_any_plausible_range_are_rejected_per_row(tmp_path):
    path = tmp_path / "坐标.geojson"
    features = [
        {"type": "Feature", "properties": {"名称": name}, "geometry": {"type": "Point", "coordinates": xy}}
        for name, xy in (("好", [113.30, 40.09]), ("投影坐标", [39_500_000.0, 4_440_000.0]), ("越界", [500.0, 95.0]))
    ]
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8"
    )
    report = import_file(path, "public_toilets")
    assert report.accepted["toilet_name"].tolist() == ["好"]
    assert len(report.rejected) == 2 and report.rows_read == 3


def test_zip_slip_and_zip_bombs_are_still_refused(tmp_path):
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as z:
        z.writestr("../../etc/cron.d/x.shp", b"x")
    with pytest.raises(CityDataError, match="不安全"):
        formats.check(slip, "slip.zip")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.shp", b"\0" * (300 * 2**20))
    with pytest.raises(CityDataError, match="压缩炸弹"):
        formats.check(bomb, "bomb.zip")


def test_the_upload_limit_is_the_apps_own(tmp_path):
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 2**20 == formats.MAX_FILE_BYTES
    big = tmp_path / "大.csv"
    with big.open("wb") as handle:
        handle.truncate(formats.MAX_FILE_BYTES + 1)
    with pytest.raises(CityDataError, match="超过上限 200 MB"):
        formats.check(big, "大.csv")


def test_a_csv_of_a_million_rows_parses_in_the_child(tmp_path):
    """A 1,000,000-row ledger: read by the child, held on disk; this process only reads a sample."""
    n = 1_000_000
    path = tmp_path / "百万.csv"
    pd.DataFrame(
        {
            "公厕编号": [f"T{i:07d}" for i in range(n)],
            "公厕名称": "公厕",
            "经度": 113.2 + (pd.RangeIndex(n) % 1000) * 1e-4,
            "纬度": 40.0 + (pd.RangeIndex(n) // 1000) * 1e-4,
        }
    ).to_csv(path, index=False)
    before = _rss_mb()
    report = sandbox.import_file(path, "public_toilets", display_name="百万.csv")
    try:
        assert report.rows_read == n and report.n_accepted == n
        assert len(report.accepted(limit=5000)) == 5000
        assert report.keys(["toilet_id"])["toilet_id"].is_unique  # what the commit plan reads
        grown_mb = _rss_mb() - before
        assert grown_mb < 150, grown_mb  # the rows never entered this process whole
    finally:
        report.discard()
