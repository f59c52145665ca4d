"""Tiny hand-made layer fixtures (EPSG:4326, near Datong) and folium inspection helpers."""

import folium
import geopandas as gpd
import shapely

EVIL = '<script>alert("x")</script>&'
HIERARCHY = {
    "street_code": "140213001",
    "street_name": "甲街道",
    "community_code": "140213001001",
    "community_name": "一社区",
    "grid_code": "140213001001001",
}


def geojson_children(element) -> list[folium.GeoJson]:
    return [c for c in element._children.values() if isinstance(c, folium.GeoJson)]


def only_features(group) -> list[dict]:
    children = geojson_children(group)
    assert len(children) == 1, "每个图层应只有一个 GeoJSON 图层"
    return children[0].data["features"]


def points(rows: list[dict]) -> gpd.GeoDataFrame:
    geoms = [shapely.Point(113.30 + 0.001 * i, 40.09) for i in range(len(rows))]
    return gpd.GeoDataFrame([{**HIERARCHY, **r} for r in rows], geometry=geoms, crs="EPSG:4326")


def rendered(group) -> str:
    fmap = folium.Map(tiles=None)
    group.add_to(fmap)
    return fmap.get_root().render()
