"""The 作战挂图: every mission layer on one offline-safe map, with title and legend.

``build_battle_map`` takes the city's layers (EPSG:4326 GeoDataFrames assembled by ``store.city``)
and what the user chose, and returns a folium map. It knows nothing of Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import folium
import geopandas as gpd

from chuangcheng import registry
from chuangcheng.geo.areas import AreaFilter, filter_area
from chuangcheng.layers import basemap, drawing, facilities, grids, parking
from chuangcheng.layers.assets import assert_offline, new_map, page_of
from chuangcheng.layers.controls import FitArea, MetricScale, legend_control, title_control
from chuangcheng.layers.export import ExportControl, NorthArrow
from chuangcheng.layers.style import map_css
from chuangcheng.layers.tiles import BASEMAPS, add_tiles, fall_back_when_tiles_fail

# Layers drawn together under one switch, by their own module: switch → (title, layers, order).
GROUPS: dict[str, tuple[str, tuple[str, ...], int]] = {
    grids.KEY: ("网格", ("streets", "communities", "grids"), 10),
    parking.KEY: ("停车", parking.LAYERS, 20),
}
LEGEND_WIDTH_PX = 300
BASE_LAYERS_USED = ("admin_boundaries", "roads", "districts")


def mission_layers() -> dict[str, str]:
    """The switchable layers, {key: Chinese title}, in drawing order (bottom to top): the 网格
    and 停车 groups and every layer the registry shows on its own."""
    grouped = {name for _, names, _ in GROUPS.values() for name in names}
    entries = [(order, key, title) for key, (title, _, order) in GROUPS.items()]
    entries += [(s.on_map.order, s.name, s.on_map.short_title) for s in registry.shown() if s.name not in grouped]
    return {key: title for _, key, title in sorted(entries)}


def click_layers() -> dict[str, tuple[str, dict[str, str]]]:
    """{layer: (Chinese title, {field: label})} for the details a click on the map shows."""
    return {spec.name: (spec.on_map.short_title, facilities.popup_fields(spec.name)) for spec in registry.shown()}


def city_layers_used() -> tuple[str, ...]:
    """The city's frames the map reads."""
    grouped = tuple(name for _, names, _ in GROUPS.values() for name in names)
    return (*BASE_LAYERS_USED, *grouped, *(s.name for s in registry.shown() if s.name not in grouped))


@dataclass(frozen=True)
class MapRequest:
    """What the user asked to see."""

    basemap: str = "offline"
    area: AreaFilter = AreaFilter()
    layers: frozenset[str] = field(default_factory=lambda: frozenset(mission_layers()))
    tianditu_key: str | None = None
    as_of: str = ""  # the date the map shows (YYYY-MM-DD), for its notes


def generated_note(meta: dict[str, str], as_of: str = "") -> str:
    """The one-line provenance note shown on the map and in exports; ``as_of`` is the date the
    figures are for (YYYY-MM-DD)."""
    prefix = (
        "示范数据：除市、区边界（高德，已纠偏为 WGS84）外均为程序生成"
        if meta.get("generated") == "true"
        else "数据来源：本市创城业务数据"
    )
    return f"{prefix} · 数据日期 {as_of}" if as_of else prefix


def area_outline(city: dict[str, gpd.GeoDataFrame], area: AreaFilter) -> gpd.GeoDataFrame:
    """The outline(s) of the chosen area: its 网格, 社区, 街道, 区, or every district of the city."""
    level = area.level
    frame = {
        "grid": "grids",
        "community": "communities",
        "street": "streets",
        "district": "districts",
        "city": "districts",
    }[level]
    shape = filter_area(city[frame], area)
    return city["districts"] if shape.empty else shape


def area_title(city: dict[str, gpd.GeoDataFrame], meta: dict[str, str], area: AreaFilter) -> str:
    """ "大同市平城区鼓楼街道" for the chosen area (the city's name alone for the whole city)."""
    parts = [meta.get("city_name", "")]
    for level, column, name_col, frame in (
        ("district", "district_code", "district_name", "districts"),
        ("street", "street_code", "street_name", "streets"),
        ("community", "community_code", "community_name", "communities"),
        ("grid", "grid_code", "grid_name", "grids"),
    ):
        code = getattr(area, column)
        if code is not None:
            rows = city[frame][city[frame][column] == code]
            if len(rows):
                parts.append(str(rows[name_col].iloc[0]))
    return "".join(parts)


def focus_bounds(city: dict[str, gpd.GeoDataFrame], area: AreaFilter) -> list[list[float]]:
    """[[south, west], [north, east]] in WGS84 degrees of the chosen area."""
    west, south, east, north = area_outline(city, area).total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


# long: the map's layers added in drawing order
def build_battle_map(
    city: dict[str, gpd.GeoDataFrame], meta: dict[str, str], request: MapRequest = MapRequest()
) -> folium.Map:
    """The battle map for a city and a request. Raises if it would load remote assets."""
    chosen = BASEMAPS[request.basemap]
    shift = chosen.to_display
    area = request.area
    data = {name: filter_area(city[name], area) for name in city_layers_used() if name in city}
    focus = (
        set(area_outline(city, area).get("district_code", []))
        if area.level in ("city", "district")
        else {area.district_code}
    )

    fmap = new_map(min_zoom=9, max_zoom=18)
    page_of(fmap).header.add_child(map_css())
    add_tiles(fmap, request.basemap, tianditu_key=request.tianditu_key)
    basemap.to_feature_group(
        city["admin_boundaries"],
        None if chosen.online else city["roads"],
        focus_adcodes=focus,
        shift=shift,
        fill_districts=not chosen.online,
    ).add_to(fmap)
    if chosen.online:
        fall_back_when_tiles_fail(fmap, basemap.roads_fallback_group(city["roads"], shift=shift))

    sections = []
    if grids.KEY in request.layers:
        grids.to_feature_groups(
            fmap,
            data["streets"],
            data["communities"],
            data["grids"],
            shift=shift,
            community_min_zoom=0 if area.level in ("street", "community", "grid") else grids.COMMUNITY_MIN_ZOOM,
            grid_min_zoom=0 if area.level in ("community", "grid") else grids.GRID_MIN_ZOOM,
        )
        sections.append(grids.legend_section(data["streets"], data["communities"], data["grids"]))
    if parking.KEY in request.layers:
        for group in parking.to_feature_groups(data["parking_lots"], data["parking_sections"], shift=shift):
            group.add_to(fmap)
        sections.extend(parking.legend_sections(data["parking_lots"], data["parking_sections"]))
    for key in mission_layers():
        if key in GROUPS or key not in request.layers or key not in data:
            continue
        drawing.feature_group(key, data[key], shift=shift).add_to(fmap)
        sections.append(drawing.legend_section(key, data[key]))

    title = f"{area_title(city, meta, area)} 创城作战图"
    title_control(title, generated_note(meta, request.as_of)).add_to(fmap)
    legend_control(list(reversed(sections)), footer=f"底图：{chosen.title}").add_to(fmap)
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    MetricScale().add_to(fmap)
    NorthArrow().add_to(fmap)
    ExportControl(f"{area_title(city, meta, area)}创城作战图").add_to(fmap)

    bounds = focus_bounds(city, area)
    if shift is not None:
        (south, west), (north, east) = bounds
        lon, lat = shift([west, east], [south, north])
        bounds = [[float(lat[0]), float(lon[0])], [float(lat[1]), float(lon[1])]]
    # Keep the area clear of the title (top left) and the legend (right).
    FitArea(bounds, legend_px=LEGEND_WIDTH_PX).add_to(fmap)
    assert_offline(fmap)
    return fmap
