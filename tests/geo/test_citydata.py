import geopandas as gpd
import pyogrio
import pytest
import shapely

from geo import citydata
from geo.errors import CityDataError, CityDataMissingError, UnknownLayerError


def _toilets(n=2):
    return gpd.GeoDataFrame({
        "toilet_id": [f"GC{i}" for i in range(n)], "toilet_name": ["甲公厕", "乙公厕"][:n],
        "kind": ["固定公厕", "共享卫生间"][:n], "grade": ["一类", "不分级"][:n],
        "flush_type": ["水冲式", "旱厕"][:n], "accessible": [True, False][:n],
        "opening_hours": ["全天开放", "08:00-21:00"][:n], "street_code": ["140213001"] * n,
        "community_code": ["140213001001"] * n,
    }, geometry=[shapely.Point(113.30, 40.09), shapely.Point(113.31, 40.10)][:n], crs="EPSG:4326")


def test_write_then_read_round_trip(tmp_path):
    path = tmp_path / "city.gpkg"
    citydata.write_city(path, {"public_toilets": _toilets()}, {"city_name": "测试市", "generated": "true"})
    back = citydata.read_layer("public_toilets", path)
    assert back.crs.to_epsg() == 4326
    assert back["toilet_name"].tolist() == ["甲公厕", "乙公厕"]
    assert back.geometry.iloc[1].equals(shapely.Point(113.31, 40.10))
    assert citydata.read_meta(path) == {"city_name": "测试市", "generated": "true"}
    assert set(citydata.list_layers(path)) == {"public_toilets", "meta"}


def test_unknown_layer_lists_valid_names(tmp_path):
    with pytest.raises(UnknownLayerError) as info:
        citydata.read_layer("toilets", tmp_path / "x.gpkg")
    assert "public_toilets" in str(info.value) and "toilets" in str(info.value)


def test_missing_file_says_how_to_build_it(tmp_path):
    with pytest.raises(CityDataMissingError, match="python -m demo.build"):
        citydata.read_layer("markets", tmp_path / "nope.gpkg")


def test_absent_layer_and_missing_column(tmp_path):
    path = tmp_path / "city.gpkg"
    citydata.write_city(path, {"public_toilets": _toilets()}, {})
    with pytest.raises(CityDataError, match="缺少图层 “markets”"):
        citydata.read_layer("markets", path)
    pyogrio.write_dataframe(_toilets().drop(columns=["grade"]), path, layer="public_toilets")
    with pytest.raises(CityDataError, match="缺少字段：grade"):
        citydata.read_layer("public_toilets", path)


def test_write_refuses_wrong_crs_and_missing_columns(tmp_path):
    with pytest.raises(CityDataError, match="EPSG:4326"):
        citydata.write_city(tmp_path / "a.gpkg", {"public_toilets": _toilets().to_crs(4547)}, {})
    with pytest.raises(CityDataError, match="缺少字段"):
        citydata.write_city(tmp_path / "b.gpkg", {"public_toilets": _toilets().drop(columns="kind")}, {})


def test_environment_variable_selects_the_city_file(tmp_path, monkeypatch):
    monkeypatch.setenv(citydata.CITY_DATA_ENV, str(tmp_path / "other.gpkg"))
    assert citydata.resolve_path() == tmp_path / "other.gpkg"
    monkeypatch.delenv(citydata.CITY_DATA_ENV)
    assert citydata.resolve_path() == citydata.DEFAULT_CITY_PATH


def test_registry_is_ordered_and_unique():
    assert len(set(citydata.LAYER_NAMES)) == len(citydata.LAYER_NAMES)
    assert citydata.layer_spec("markets").title_zh == "农贸市场"
