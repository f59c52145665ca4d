"""测评点位: field-inspection points coloured by their latest result."""

from __future__ import annotations

import folium
import geopandas as gpd

from chuangcheng.layers.controls import LegendItem, LegendSection
from chuangcheng.layers.geojson import DisplayShift, geojson_group
from chuangcheng.layers.style import RESULT_COLORS

KEY = "inspection_points"
TITLE = "测评点位"
RESULTS = ("达标", "不达标", "未测评")
POPUP_FIELDS = {
    "point_name": "点位名称",
    "point_type": "点位类型",
    "street_name": "所属街道",
    "community_name": "所属社区",
    "grid_code": "网格编码",
    "responsible_unit": "责任单位",
    "responsible_person": "责任人",
    "latest_result": "最近测评结果",
    "latest_check_date": "最近测评日期",
    "open_problems": "未整改问题数",
    "problem_summary": "问题摘要",
}
TOOLTIP_FIELDS = {"point_name": "点位", "point_type": "类型", "latest_result": "结果", "open_problems": "未整改问题"}


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
        popup_fields=POPUP_FIELDS,
        tooltip_fields=TOOLTIP_FIELDS,
        style=_style,
        marker=folium.CircleMarker(),
        shift=shift,
        show=show,
    )
