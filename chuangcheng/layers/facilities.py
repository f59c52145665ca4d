"""Any point layer the registry shows (``registry.Show``) and no module of its own draws: a
circle per feature coloured by its category (``layers/style.CATEGORY_COLORS``), popups and
tooltips labelled from the registry, a legend counted over what is drawn.

A new facility layer (e.g. 公交站) is a registry entry plus its colours; this module draws it
on the 作战挂图, and the click details and posters read the same declaration. Geometry EPSG:4326.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from chuangcheng import registry
from chuangcheng.geo.kpi import UNCLASSIFIED, count_by
from chuangcheng.layers.controls import LegendItem, LegendSection
from chuangcheng.layers.geojson import DisplayShift, geojson_group
from chuangcheng.layers.style import CATEGORY_COLORS, SINGLE_COLOR, UNCLASSIFIED_COLOR

RADIUS_PX = 7
HIERARCHY_POPUP = ("street_name", "community_name")


def labels(layer: str, fields: tuple[str, ...]) -> dict[str, str]:
    """{field: Chinese title} for the given fields of a layer."""
    return {f: registry.field_title(layer, f) for f in fields}


def popup_fields(layer: str) -> dict[str, str]:
    """What a click on a feature of the layer shows: its declared popup fields, then where it lies."""
    show = registry.layer(layer).on_map
    extra = tuple(f for f in HIERARCHY_POPUP if f not in show.popup)
    return labels(layer, show.popup + extra)


def tooltip_fields(layer: str) -> dict[str, str]:
    """What hovering over a feature shows: its declared tooltip fields, or its name and category."""
    spec = registry.layer(layer)
    show = spec.on_map
    fields = show.tooltip or tuple(f for f in (spec.name_field, show.color_field) if f)
    return labels(layer, fields)


def display_value(value) -> str:
    """A field's value as a popup or the click details show it: yes/no in Chinese, a blank as "—"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    return str(value)


def for_display(layer: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with its yes/no fields written in Chinese (是/否, 未知 when not recorded)."""
    spec = registry.layer(layer)
    flags = [f.name for f in spec.fields if f.kind == "bool" and f.name in frame.columns]
    return frame.assign(**{name: frame[name].map({True: "是", False: "否"}).fillna("未知") for name in flags})


def colors(layer: str) -> dict[str, str]:
    return CATEGORY_COLORS.get(layer, {})


def color_of(layer: str, value) -> str:
    palette = colors(layer)
    if not palette:
        return SINGLE_COLOR
    return palette.get(value, UNCLASSIFIED_COLOR)


def to_feature_group(
    layer: str, frame: gpd.GeoDataFrame, *, shift: DisplayShift | None = None, show: bool = True
) -> folium.FeatureGroup:
    spec = registry.layer(layer)
    field = spec.on_map.color_field

    def style(feature: dict) -> dict:
        value = feature["properties"].get(field) if field else None
        return {
            "fillColor": color_of(layer, value),
            "color": "#ffffff",
            "weight": 1.5,
            "fill": True,
            "fillOpacity": 0.9,
            "radius": RADIUS_PX,
        }

    return geojson_group(
        for_display(layer, frame),
        name=spec.on_map.short_title,
        popup_fields=popup_fields(layer),
        tooltip_fields=tooltip_fields(layer),
        style=style,
        marker=folium.CircleMarker(),
        shift=shift,
        show=show,
        extra_fields=(field,) if field else (),
    )


def legend_section(layer: str, frame: gpd.GeoDataFrame) -> LegendSection:
    """One line per category (with its count), the unclassified only when there are any."""
    spec = registry.layer(layer)
    palette = colors(layer)
    if not palette or spec.on_map.color_field is None:
        return LegendSection(spec.on_map.short_title, (LegendItem(f"全部（{len(frame)}）", SINGLE_COLOR),))
    counts = count_by(frame, spec.on_map.color_field, tuple(palette))
    items = [LegendItem(f"{value}（{counts[value]}）", color) for value, color in palette.items()]
    if counts[UNCLASSIFIED]:
        items.append(LegendItem(f"{UNCLASSIFIED}（{counts[UNCLASSIFIED]}）", UNCLASSIFIED_COLOR))
    return LegendSection(spec.on_map.short_title, tuple(items))
