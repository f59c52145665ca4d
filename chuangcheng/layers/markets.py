"""农贸市场: farmers' markets coloured by upgrade status (已改造/改造中/未改造)."""

from __future__ import annotations

import folium
import geopandas as gpd

from chuangcheng import registry
from chuangcheng.geo.kpi import UNCLASSIFIED, count_by
from chuangcheng.layers import facilities
from chuangcheng.layers.controls import LegendItem, LegendSection
from chuangcheng.layers.geojson import DisplayShift, geojson_group
from chuangcheng.layers.style import MARKET_COLORS, UNCLASSIFIED_COLOR

KEY = "markets"
TITLE = registry.layer(KEY).on_map.short_title


def _style(feature: dict) -> dict:
    status = feature["properties"].get("upgrade_status")
    return {
        "fillColor": MARKET_COLORS.get(status, UNCLASSIFIED_COLOR),
        "color": "#000000",
        "weight": 2.5,
        "fill": True,
        "fillOpacity": 0.95,
        "radius": 11,
    }


def legend_section(markets: gpd.GeoDataFrame) -> LegendSection:
    counts = count_by(markets, "upgrade_status", tuple(MARKET_COLORS))
    colors = {**MARKET_COLORS, UNCLASSIFIED: UNCLASSIFIED_COLOR} if counts[UNCLASSIFIED] else MARKET_COLORS
    return LegendSection(
        TITLE, tuple(LegendItem(f"{s}（{counts[s]}）", c, size_px=16, stroke="#000000") for s, c in colors.items())
    )


def to_feature_group(
    markets: gpd.GeoDataFrame, *, shift: DisplayShift | None = None, show: bool = True
) -> folium.FeatureGroup:
    return geojson_group(
        markets,
        name=TITLE,
        popup_fields=facilities.popup_fields(KEY),
        tooltip_fields=facilities.tooltip_fields(KEY),
        style=_style,
        marker=folium.CircleMarker(),
        shift=shift,
        show=show,
    )
