"""停车: public car parks (sized by capacity) and road sections coloured by 施划进度."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np

from chuangcheng.layers.controls import LegendItem, LegendSection
from chuangcheng.layers.geojson import DisplayShift, geojson_group
from chuangcheng.layers.style import PARKING_LOT_COLOR, PROGRESS_BINS, progress_color

KEY = "parking"
LAYERS = ("parking_lots", "parking_sections")  # drawn together under the 停车 switch
TITLE_SECTIONS = "停车：施划路段"
TITLE_LOTS = "停车：公共停车场"
SECTION_POPUP = {
    "road_name": "路段",
    "planned_bays": "规划泊位",
    "painted_bays": "已施划泊位",
    "progress_pct": "施划进度（%）",
    "length_m": "长度（米）",
    "street_name": "所属街道",
}
SECTION_TOOLTIP = {"road_name": "路段", "painted_bays": "已施划", "planned_bays": "规划", "progress_pct": "进度（%）"}
LOT_POPUP = {
    "lot_name": "名称",
    "kind": "类型",
    "capacity": "泊位数",
    "fee": "收费",
    "street_name": "所属街道",
    "community_name": "所属社区",
}
LOT_TOOLTIP = {"lot_name": "停车场", "capacity": "泊位数"}


def lot_radius_px(capacity: float) -> float:
    """Marker radius growing with the square root of capacity (area ∝ bays), 5–13 px."""
    return float(np.clip(3.0 + 0.45 * np.sqrt(max(capacity, 0.0)), 5.0, 13.0))


def _section_style(feature: dict) -> dict:
    p = feature["properties"]
    return {
        "color": progress_color(p.get("painted_bays") or 0, p.get("planned_bays") or 0),
        "weight": 6,
        "opacity": 0.95,
        "lineCap": "round",
    }


def _lot_style(feature: dict) -> dict:
    return {
        "fillColor": PARKING_LOT_COLOR,
        "color": "#ffffff",
        "weight": 1.5,
        "fill": True,
        "fillOpacity": 0.85,
        "radius": lot_radius_px(feature["properties"].get("capacity") or 0),
    }


def legend_sections(lots: gpd.GeoDataFrame, sections: gpd.GeoDataFrame) -> list[LegendSection]:
    planned = int(sections["planned_bays"].sum())
    painted = int(sections["painted_bays"].sum())
    progress = [LegendItem(label, color, shape="line", size_px=15) for _, color, label in PROGRESS_BINS]
    return [
        LegendSection(f"{TITLE_SECTIONS}（{len(sections)} 段，已施划 {painted:,}/{planned:,}）", tuple(progress)),
        LegendSection(
            TITLE_LOTS,
            (
                LegendItem(
                    f"停车场（{len(lots)} 个，{int(lots['capacity'].sum()):,} 泊位；大小示泊位数）",
                    PARKING_LOT_COLOR,
                    size_px=14,
                ),
            ),
        ),
    ]


def to_feature_groups(
    lots: gpd.GeoDataFrame, sections: gpd.GeoDataFrame, *, shift: DisplayShift | None = None, show: bool = True
) -> list[folium.FeatureGroup]:
    ratio = np.where(
        sections["planned_bays"] > 0,
        sections["painted_bays"] / sections["planned_bays"].where(sections["planned_bays"] > 0, 1),
        0.0,
    )
    shown = sections.assign(progress_pct=np.round(ratio * 100, 1))
    return [
        geojson_group(
            shown,
            name=TITLE_SECTIONS,
            popup_fields=SECTION_POPUP,
            tooltip_fields=SECTION_TOOLTIP,
            style=_section_style,
            shift=shift,
            show=show,
        ),
        geojson_group(
            lots,
            name=TITLE_LOTS,
            popup_fields=LOT_POPUP,
            tooltip_fields=LOT_TOOLTIP,
            style=_lot_style,
            marker=folium.CircleMarker(),
            shift=shift,
            show=show,
        ),
    ]
