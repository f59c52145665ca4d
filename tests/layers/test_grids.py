import folium
import geopandas as gpd

from chuangcheng.layers import grids
from chuangcheng.layers.controls import NameLabels, ZoomVisibility
from tests.conftest import square
from tests.layers.helpers import EVIL, geojson_children


def _levels():
    streets = gpd.GeoDataFrame(
        {"street_code": ["140213001"], "street_name": [EVIL], "kind": ["街道"], "population": [100], "area_m2": [2e6]},
        geometry=[square(113.30, 40.09, 0.02)],
        crs="EPSG:4326",
    )
    communities = gpd.GeoDataFrame(
        {
            "community_code": ["140213001001", "140213001002"],
            "community_name": ["一社区", "二社区"],
            "street_code": ["140213001"] * 2,
            "street_name": ["甲"] * 2,
            "population": [60, 40],
            "area_m2": [1e6, 1e6],
        },
        geometry=[square(113.30, 40.09, 0.01), square(113.31, 40.09, 0.01)],
        crs="EPSG:4326",
    )
    grid = gpd.GeoDataFrame(
        {
            "grid_code": ["140213001001001"],
            "grid_name": ["一网格"],
            "community_code": ["140213001001"],
            "community_name": ["一社区"],
            "street_code": ["140213001"],
            "street_name": ["甲"],
            "grid_worker": ["李四"],
            "population": [60],
        },
        geometry=[square(113.30, 40.09, 0.01)],
        crs="EPSG:4326",
    )
    return streets, communities, grid


def test_three_levels_each_one_geojson_with_codes():
    fmap = folium.Map(tiles=None)
    grid_group, community_group, street_group = grids.to_feature_groups(fmap, *_levels())
    for group, n in ((grid_group, 1), (community_group, 2), (street_group, 1)):
        assert len(geojson_children(group)) == 1 and len(geojson_children(group)[0].data["features"]) == n
    props = geojson_children(community_group)[0].data["features"][0]["properties"]
    assert props["community_code"] == "140213001001" and props["area_km2"] == 1.0
    assert any(isinstance(c, NameLabels) for c in street_group._children.values())


def test_lower_levels_appear_when_zooming_in():
    fmap = folium.Map(tiles=None)
    grid_group, community_group, _ = grids.to_feature_groups(fmap, *_levels(), community_min_zoom=13, grid_min_zoom=15)
    rules = {c.layer_name: c.min_zoom for c in fmap._children.values() if isinstance(c, ZoomVisibility)}
    assert rules == {community_group.get_name(): 13, grid_group.get_name(): 15}
    html = fmap.get_root().render()
    assert "map.on('zoomend', update)" in html


def test_labels_are_escaped():
    fmap = folium.Map(tiles=None)
    grids.to_feature_groups(fmap, *_levels())
    html = fmap.get_root().render()
    assert "<script>alert" not in html and "lt;script" in html
