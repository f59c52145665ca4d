import geopandas as gpd
import pytest
import shapely

from chuangcheng.geo.crs import gauss_kruger_epsg, local_metric_crs
from chuangcheng.geo.errors import CoordinateError


@pytest.mark.parametrize(
    "lon, epsg", [(113.30, 4547), (112.4, 4546), (75.0, 4534), (135.0, 4554), (116.39, 4548), (121.47, 4549)]
)
def test_gauss_kruger_zone_from_longitude(lon, epsg):
    assert gauss_kruger_epsg(lon) == epsg


@pytest.mark.parametrize("lon", [60.0, 150.0, float("nan")])
def test_outside_china_zones_is_refused(lon):
    with pytest.raises(CoordinateError):
        gauss_kruger_epsg(lon)


def test_local_metric_crs_is_chosen_from_the_data():
    datong = gpd.GeoDataFrame(geometry=[shapely.Point(113.30, 40.09)], crs="EPSG:4326")
    assert local_metric_crs(datong) == "EPSG:4547"
    shanghai = gpd.GeoDataFrame(geometry=[shapely.Point(121.47, 31.23)], crs="EPSG:4326")
    assert local_metric_crs(shanghai) == "EPSG:4549"
    # Projected input works too: the bounds are taken in degrees.
    assert local_metric_crs(datong.to_crs("EPSG:3857")) == "EPSG:4547"


def test_local_metric_crs_needs_a_crs_and_data():
    with pytest.raises(CoordinateError, match="没有坐标参考系"):
        local_metric_crs(gpd.GeoDataFrame(geometry=[shapely.Point(113.3, 40.0)]))
    with pytest.raises(CoordinateError, match="数据为空"):
        local_metric_crs(gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"))


def test_outside_china_uses_utm():
    helsinki = gpd.GeoDataFrame(geometry=[shapely.Point(24.94, 60.17)], crs="EPSG:4326")
    assert local_metric_crs(helsinki) == "EPSG:32635"
    south = gpd.GeoDataFrame(geometry=[shapely.Point(151.2, -33.9)], crs="EPSG:4326")
    assert local_metric_crs(south) == "EPSG:32756"
