"""The 作战挂图: every mission layer on one offline-safe map, with title and legend.

``build_battle_map`` takes the city's layers (EPSG:4326 GeoDataFrames from ``geo.citydata``)
and what the user chose, and returns a folium map. It knows nothing of Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import folium
import geopandas as gpd

from geo.areas import AreaFilter, filter_area
from layers import basemap, grids, inspection_points, markets, parking, public_toilets
from layers.assets import assert_offline, new_map
from layers.controls import MetricScale, legend_control, title_control
from layers.export import ExportControl, NorthArrow
from layers.style import map_css
from layers.tiles import BASEMAPS, add_tiles

# Switchable mission layers, in drawing order (bottom to top), with their Chinese titles.
MISSION_LAYERS: dict[str, str] = {
    grids.KEY: "网格",
    parking.KEY: "停车",
    public_toilets.KEY: "公厕",
    markets.KEY: "农贸市场",
    inspection_points.KEY: "测评点位",
}
LEGEND_WIDTH_PX = 300
CITY_LAYERS_USED = ("admin_boundaries", "roads", "streets", "communities", "grids",
                    "inspection_points", "parking_lots", "parking_sections", "public_toilets",
                    "markets")


@dataclass(frozen=True)
class MapRequest:
    """What the user asked to see."""

    basemap: str = "offline"
    area: AreaFilter = AreaFilter()
    layers: frozenset[str] = field(default_factory=lambda: frozenset(MISSION_LAYERS))
    tianditu_key: str | None = None


def generated_note(meta: dict[str, str]) -> str:
    """The one-line provenance note shown on the map and in exports."""
    as_of = meta.get("as_of", "")
    prefix = "示范数据：除市、区边界（高德，已纠偏为 WGS84）外均为程序生成" \
        if meta.get("generated") == "true" else "数据来源：本市业务台账"
    return f"{prefix} · 数据截至 {as_of}" if as_of else prefix


def focus_bounds(city: dict[str, gpd.GeoDataFrame], area: AreaFilter,
                 adcode: str) -> list[list[float]]:
    """[[south, west], [north, east]] in WGS84 degrees of the district or the filtered area."""
    if area.community_code is not None:
        shape = filter_area(city["communities"], area)
    elif area.street_code is not None:
        shape = filter_area(city["streets"], area)
    else:
        admin = city["admin_boundaries"]
        shape = admin[admin["adcode"] == adcode]
    if shape.empty:
        shape = city["streets"]
    west, south, east, north = shape.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def build_battle_map(city: dict[str, gpd.GeoDataFrame], meta: dict[str, str],
                     request: MapRequest = MapRequest()) -> folium.Map:
    """The battle map for a city and a request. Raises if it would load remote assets."""
    chosen = BASEMAPS[request.basemap]
    shift = chosen.to_display
    area = request.area
    adcode = meta.get("adcode", "")
    data = {name: filter_area(city[name], area) for name in CITY_LAYERS_USED}

    fmap = new_map(min_zoom=9, max_zoom=18)
    fmap.get_root().header.add_child(map_css())
    add_tiles(fmap, request.basemap, tianditu_key=request.tianditu_key)
    basemap.to_feature_group(city["admin_boundaries"], None if chosen.online else city["roads"],
                             focus_adcode=adcode, shift=shift,
                             fill_districts=not chosen.online).add_to(fmap)

    sections = []
    if grids.KEY in request.layers:
        grids.to_feature_groups(
            fmap, data["streets"], data["communities"], data["grids"], shift=shift,
            community_min_zoom=0 if area.street_code or area.community_code else grids.COMMUNITY_MIN_ZOOM,
            grid_min_zoom=0 if area.community_code else grids.GRID_MIN_ZOOM)
        sections.append(grids.legend_section(data["streets"], data["communities"], data["grids"]))
    if parking.KEY in request.layers:
        for group in parking.to_feature_groups(data["parking_lots"], data["parking_sections"],
                                               shift=shift):
            group.add_to(fmap)
        sections.extend(parking.legend_sections(data["parking_lots"], data["parking_sections"]))
    if public_toilets.KEY in request.layers:
        public_toilets.to_feature_group(data["public_toilets"], shift=shift).add_to(fmap)
        sections.append(public_toilets.legend_section(data["public_toilets"]))
    if markets.KEY in request.layers:
        markets.to_feature_group(data["markets"], shift=shift).add_to(fmap)
        sections.append(markets.legend_section(data["markets"]))
    if inspection_points.KEY in request.layers:
        inspection_points.to_feature_group(data["inspection_points"], shift=shift).add_to(fmap)
        sections.append(inspection_points.legend_section(data["inspection_points"]))

    title = f"{meta.get('city_name', '')} 创城作战图"
    title_control(title, generated_note(meta)).add_to(fmap)
    legend_control(list(reversed(sections)), footer=f"底图：{chosen.title}").add_to(fmap)
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    MetricScale().add_to(fmap)
    NorthArrow().add_to(fmap)
    ExportControl(f"{meta.get('city_name', '')}创城作战图").add_to(fmap)

    bounds = focus_bounds(city, area, adcode)
    if shift is not None:
        (south, west), (north, east) = bounds
        lon, lat = shift([west, east], [south, north])
        bounds = [[float(lat[0]), float(lon[0])], [float(lat[1]), float(lon[1])]]
    # Keep the area clear of the title (top left) and the legend (right).
    fmap.fit_bounds(bounds, padding_top_left=(10, 90), padding_bottom_right=(LEGEND_WIDTH_PX, 10))
    assert_offline(fmap)
    return fmap
