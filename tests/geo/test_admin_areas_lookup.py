import geopandas as gpd
import shapely

from chuangcheng.geo.admin import locate_in_grids
from chuangcheng.geo.areas import AreaFilter, filter_area
from chuangcheng.geo.lookup import grid_at, nearest_feature


def test_locate_in_grids(two_grids):
    features = gpd.GeoDataFrame(
        {"name": ["a", "b", "outside"]},
        geometry=[
            shapely.Point(113.305, 40.095),
            shapely.box(113.311, 40.091, 113.312, 40.092),
            shapely.Point(114.0, 41.0),
        ],
        crs="EPSG:4326",
        index=[10, 20, 30],
    )
    where = locate_in_grids(features, two_grids)
    assert where.index.tolist() == [10, 20, 30]
    assert where.loc[10, "grid_code"] == "140213001001001"
    assert where.loc[20, "street_name"] == "乙街道"
    assert where.loc[30].isna().all()


def test_filter_area(two_grids):
    assert len(filter_area(two_grids, AreaFilter())) == 2
    only = filter_area(two_grids, AreaFilter(street_code="140213002"))
    assert only["grid_name"].tolist() == ["二网格"]
    assert filter_area(two_grids, AreaFilter("140213001", "140213002001")).empty
    no_codes = gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(0, 0)], crs="EPSG:4326")
    assert len(filter_area(no_codes, AreaFilter("140213001"))) == 1


def test_grid_at_and_nearest_feature(two_grids):
    assert grid_at(113.315, 40.095, two_grids)["grid_name"] == "二网格"
    assert grid_at(113.0, 40.0, two_grids) is None
    # Two points ~85 m (0.001° of longitude at 40°N) apart in different layers.
    a = gpd.GeoDataFrame({"n": ["甲"]}, geometry=[shapely.Point(113.300, 40.09)], crs="EPSG:4326")
    b = gpd.GeoDataFrame({"n": ["乙"]}, geometry=[shapely.Point(113.301, 40.09)], crs="EPSG:4326")
    layer, row, d = nearest_feature(113.3008, 40.09, {"a": a, "b": b}, max_distance_m=50)
    assert layer == "b" and row["n"] == "乙" and 15 < d < 19
    assert nearest_feature(113.35, 40.09, {"a": a, "b": b}, max_distance_m=50) is None
