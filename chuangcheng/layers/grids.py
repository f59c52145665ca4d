"""网格: the hierarchy 街道 → 社区 → 网格 as outlines with codes and names.

街道 are always drawn; 社区 appear from ``community_min_zoom`` and 网格 from ``grid_min_zoom``
(a filter to one 街道 or 社区 lowers these so its own units show at once).
"""

from __future__ import annotations

import folium
import geopandas as gpd

from chuangcheng.layers.controls import LegendItem, LegendSection, NameLabels, ZoomVisibility
from chuangcheng.layers.geojson import DisplayShift, geojson_group
from chuangcheng.layers.style import HIERARCHY_STYLE

KEY = "grids"
TITLES = {"street": "网格体系：街道", "community": "网格体系：社区", "grid": "网格体系：网格"}
COMMUNITY_MIN_ZOOM = 13
GRID_MIN_ZOOM = 15

STREET_POPUP = {
    "street_name": "街道",
    "street_code": "街道编码",
    "kind": "类型",
    "population": "常住人口（生成）",
    "area_km2": "面积（平方千米）",
}
COMMUNITY_POPUP = {
    "community_name": "社区",
    "community_code": "社区编码",
    "street_name": "所属街道",
    "population": "常住人口（生成）",
    "area_km2": "面积（平方千米）",
}
GRID_POPUP = {
    "grid_name": "网格",
    "grid_code": "网格编码",
    "community_name": "所属社区",
    "street_name": "所属街道",
    "grid_worker": "网格员",
    "population": "常住人口（生成）",
}


def _outline(level: str):
    style = HIERARCHY_STYLE[level]

    def fn(_feature: dict) -> dict:
        return {
            "color": style["color"],
            "weight": style["weight"],
            "dashArray": style["dashArray"],
            "fill": True,
            "fillOpacity": 0.0,
            "opacity": 0.9,
        }

    return fn


def _with_km2(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gdf.assign(area_km2=(gdf["area_m2"] / 1e6).round(2))


def _labels(gdf: gpd.GeoDataFrame, name_col: str, shift: DisplayShift | None) -> list:
    points = gdf.to_crs("EPSG:4326").geometry.representative_point()
    lon, lat = points.x.to_numpy(), points.y.to_numpy()
    if shift is not None:
        lon, lat = shift(lon, lat)
    return [(float(la), float(lo), str(name)) for lo, la, name in zip(lon, lat, gdf[name_col])]


def legend_section(streets, communities, grids) -> LegendSection:
    return LegendSection(
        "网格体系",
        (
            LegendItem(f"街道（{len(streets)}）", HIERARCHY_STYLE["street"]["color"], shape="outline"),
            LegendItem(
                f"社区（{len(communities)}，放大后显示）",
                HIERARCHY_STYLE["community"]["color"],
                shape="outline",
                dashed=True,
            ),
            LegendItem(
                f"网格（{len(grids)}，继续放大后显示）", HIERARCHY_STYLE["grid"]["color"], shape="outline", dashed=True
            ),
        ),
    )


def to_feature_groups(
    fmap: folium.Map,
    streets: gpd.GeoDataFrame,
    communities: gpd.GeoDataFrame,
    grids: gpd.GeoDataFrame,
    *,
    shift: DisplayShift | None = None,
    community_min_zoom: int = COMMUNITY_MIN_ZOOM,
    grid_min_zoom: int = GRID_MIN_ZOOM,
) -> list[folium.FeatureGroup]:
    """Three groups (街道, 社区, 网格) added to ``fmap`` with their zoom rules."""
    street_group = geojson_group(
        _with_km2(streets),
        name=TITLES["street"],
        popup_fields=STREET_POPUP,
        tooltip_fields={"street_name": "街道", "street_code": "编码"},
        style=_outline("street"),
        shift=shift,
    )
    NameLabels(_labels(streets, "street_name", shift), css_class="cc-label-street").add_to(street_group)
    community_group = geojson_group(
        _with_km2(communities),
        name=TITLES["community"],
        popup_fields=COMMUNITY_POPUP,
        tooltip_fields={"community_name": "社区", "community_code": "编码"},
        style=_outline("community"),
        shift=shift,
    )
    NameLabels(_labels(communities, "community_name", shift), css_class="cc-label-community").add_to(community_group)
    grid_group = geojson_group(
        grids,
        name=TITLES["grid"],
        popup_fields=GRID_POPUP,
        tooltip_fields={"grid_name": "网格", "grid_code": "编码"},
        style=_outline("grid"),
        shift=shift,
    )
    groups = [grid_group, community_group, street_group]  # coarse outlines drawn on top
    for group in groups:
        group.add_to(fmap)
    ZoomVisibility(fmap, community_group, community_min_zoom).add_to(fmap)
    ZoomVisibility(fmap, grid_group, grid_min_zoom).add_to(fmap)
    return groups
