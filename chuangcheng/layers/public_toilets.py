"""公厕: public toilets by kind; dry toilets (旱厕, to be converted) get an orange ring."""

from __future__ import annotations

import folium
import geopandas as gpd

from chuangcheng import registry
from chuangcheng.geo.kpi import UNCLASSIFIED, count_by
from chuangcheng.layers import facilities
from chuangcheng.layers.controls import LegendItem, LegendSection
from chuangcheng.layers.geojson import DisplayShift, geojson_group
from chuangcheng.layers.style import DRY_TOILET_STROKE, TOILET_COLORS, UNCLASSIFIED_COLOR

KEY = "public_toilets"
TITLE = registry.layer(KEY).on_map.short_title


def _style(feature: dict) -> dict:
    props = feature["properties"]
    dry = props.get("flush_type") == "旱厕"
    return {
        "fillColor": TOILET_COLORS.get(props.get("kind"), UNCLASSIFIED_COLOR),
        "color": DRY_TOILET_STROKE if dry else "#ffffff",
        "weight": 3 if dry else 1.5,
        "fill": True,
        "fillOpacity": 0.9,
        "radius": 6,
    }


def legend_section(toilets: gpd.GeoDataFrame) -> LegendSection:
    counts = count_by(toilets, "kind", tuple(TOILET_COLORS))
    dry = int((toilets["flush_type"] == "旱厕").sum())
    items = [LegendItem(f"{k}（{counts[k]}）", c, size_px=11) for k, c in TOILET_COLORS.items()]
    if counts[UNCLASSIFIED]:
        items.append(LegendItem(f"{UNCLASSIFIED}（{counts[UNCLASSIFIED]}）", UNCLASSIFIED_COLOR, size_px=11))
    items.append(LegendItem(f"旱厕待改造（{dry}）", "#ffffff", size_px=11, stroke=DRY_TOILET_STROKE))
    return LegendSection(TITLE, tuple(items))


def to_feature_group(
    toilets: gpd.GeoDataFrame, *, shift: DisplayShift | None = None, show: bool = True
) -> folium.FeatureGroup:
    display = facilities.for_display(KEY, toilets)
    return geojson_group(
        display,
        name=TITLE,
        popup_fields=facilities.popup_fields(KEY),
        tooltip_fields=facilities.tooltip_fields(KEY),
        style=_style,
        marker=folium.CircleMarker(),
        shift=shift,
        show=show,
    )
