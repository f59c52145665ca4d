"""A quick map of imported records over the city's own basemap, before they are committed."""

from __future__ import annotations

import folium
import geopandas as gpd

from chuangcheng.layers import basemap
from chuangcheng.layers.assets import assert_offline, new_map, page_of
from chuangcheng.layers.controls import MetricScale, title_control
from chuangcheng.layers.geojson import geojson_group
from chuangcheng.layers.style import map_css


def build_preview_map(
    city: dict[str, gpd.GeoDataFrame], meta: dict[str, str], records: gpd.GeoDataFrame, *, title: str
) -> folium.Map:
    fmap = new_map(min_zoom=8, max_zoom=18)
    page_of(fmap).header.add_child(map_css())
    basemap.to_feature_group(
        city["admin_boundaries"], city["roads"], focus_adcodes=set(city["districts"]["district_code"])
    ).add_to(fmap)
    fields = {c: c for c in records.columns if c not in ("geometry",)}
    group = geojson_group(
        records,
        name="导入预览",
        popup_fields=fields,
        tooltip_fields={"name": "名称"} if "name" in records.columns else {},
        style=lambda _: {
            "fill": True,
            "fillColor": "#e65100",
            "color": "#ffffff",
            "weight": 2,
            "fillOpacity": 0.9,
            "radius": 8,
        },
        marker=folium.CircleMarker(),
    )
    group.add_to(fmap)
    title_control(title, "导入预览（尚未写入）").add_to(fmap)
    MetricScale().add_to(fmap)
    if len(records):
        west, south, east, north = records.total_bounds
        fmap.fit_bounds([[south, west], [north, east]], padding=(30, 30), max_zoom=16)
    assert_offline(fmap)
    return fmap
