"""测评点位: field-inspection points coloured by their latest result."""

from __future__ import annotations

import folium
import geopandas as gpd

from chuangcheng import registry
from chuangcheng.layers import facilities
from chuangcheng.layers.controls import LegendItem, LegendSection
from chuangcheng.layers.geojson import DisplayShift, geojson_group
from chuangcheng.layers.style import RESULT_COLORS

KEY = "inspection_points"
TITLE = registry.layer(KEY).on_map.short_title
RESULTS = ("达标", "不达标", "未测评")


def _style(feature: dict) -> dict:
    result = feature["properties"].get("latest_result")
    failing = result == "不达标"
    return {
        "fillColor": RESULT_COLORS.get(result, RESULT_COLORS["未测评"]),
        "color": "#ffffff",
        "weight": 2,
        "fill": True,
        "fillOpacity": 0.95,
        "radius": 10 if failing else 8,
    }


def legend_section(points: gpd.GeoDataFrame) -> LegendSection:
    counts = points["latest_result"].value_counts()
    return LegendSection(
        TITLE,
        tuple(
            LegendItem(f"{r}（{int(counts.get(r, 0))}）", RESULT_COLORS[r], size_px=16 if r == "不达标" else 14)
            for r in RESULTS
        ),
    )


def to_feature_group(
    points: gpd.GeoDataFrame, *, shift: DisplayShift | None = None, show: bool = True
) -> folium.FeatureGroup:
    display = points.assign(
        latest_check_date=points["latest_check_date"].fillna("—"),
        problem_summary=points["problem_summary"].fillna("").replace("", "—"),
    )
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
