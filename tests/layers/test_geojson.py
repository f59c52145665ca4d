import geopandas as gpd
import numpy as np
import pytest
import shapely

from chuangcheng.geo.coords import wgs84_to_gcj02
from chuangcheng.layers.geojson import escape_value, to_feature_collection


def test_escape_value():
    assert escape_value('<b onclick="x">') == "&lt;b onclick=&quot;x&quot;&gt;"
    assert escape_value(np.int64(3)) == 3 and isinstance(escape_value(np.int64(3)), int)
    assert escape_value(float("nan")) is None and escape_value(None) is None
    assert escape_value(np.bool_(True)) is True


def test_feature_collection_escapes_rounds_and_drops_empties():
    gdf = gpd.GeoDataFrame(
        {"name": ["<i>甲</i>", "乙", "空"], "n": [1, 2, 3]},
        geometry=[shapely.Point(113.123456789, 40.1), shapely.Point(113.2, 40.2), shapely.Point()],
        crs="EPSG:4326",
    )
    fc = to_feature_collection(gdf, ["name"])
    assert len(fc["features"]) == 2
    assert fc["features"][0]["properties"] == {"name": "&lt;i&gt;甲&lt;/i&gt;"}
    assert fc["features"][0]["geometry"]["coordinates"] == (113.123457, 40.1)


def test_feature_collection_reprojects_and_shifts():
    gdf = gpd.GeoDataFrame({"name": ["a"]}, geometry=[shapely.Point(113.3, 40.09)], crs="EPSG:4326").to_crs(4547)
    plain = to_feature_collection(gdf, ["name"])["features"][0]["geometry"]["coordinates"]
    assert plain == pytest.approx((113.3, 40.09), abs=1e-6)
    shifted = to_feature_collection(gdf, ["name"], shift=wgs84_to_gcj02)
    lon, lat = wgs84_to_gcj02(113.3, 40.09)
    assert shifted["features"][0]["geometry"]["coordinates"] == pytest.approx((float(lon), float(lat)), abs=1e-6)


def test_missing_field_is_named():
    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(0, 0)], crs="EPSG:4326")
    with pytest.raises(KeyError, match="b"):
        to_feature_collection(gdf, ["a", "b"])
