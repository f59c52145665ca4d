"""The problem ledger as a map layer: cases coloured by status, overdue ones in red."""

from __future__ import annotations

from datetime import datetime

import folium
import geopandas as gpd
import pandas as pd

from chuangcheng.geo.ledger_kpi import is_overdue
from chuangcheng.layers.controls import LegendItem, LegendSection
from chuangcheng.layers.geojson import geojson_group

STATE_COLORS = {
    "上报": "#9e9e9e",
    "立案": "#5c6bc0",
    "已派遣": "#29b6f6",
    "整改中": "#ffa726",
    "整改反馈": "#ab47bc",
    "结案": "#43a047",
    "挂账": "#6d4c41",
    "不予立案": "#bdbdbd",
    "作废": "#e0e0e0",
}
OVERDUE_COLOR = "#d50000"


def cases_frame(cases: pd.DataFrame, *, as_of: datetime) -> gpd.GeoDataFrame:
    located = cases[cases["lon"].notna() & cases["lat"].notna()].copy()
    located["overdue"] = is_overdue(located, as_of)
    located["overdue_text"] = located["overdue"].map({True: "超期", False: ""})
    located["deadline_text"] = located["deadline"].dt.strftime("%Y-%m-%d %H:%M").fillna("—")
    return gpd.GeoDataFrame(located, geometry=gpd.points_from_xy(located["lon"], located["lat"]), crs="EPSG:4326")


def to_feature_group(cases: gpd.GeoDataFrame) -> folium.FeatureGroup:
    def style(feature):
        p = feature["properties"]
        overdue = p.get("overdue_text") == "超期"
        return {
            "fill": True,
            "fillColor": OVERDUE_COLOR if overdue else STATE_COLORS.get(p.get("state"), "#9e9e9e"),
            "color": "#000000" if overdue else "#ffffff",
            "weight": 2,
            "fillOpacity": 0.95,
            "radius": 9 if overdue else 7,
        }

    return geojson_group(
        cases,
        name="问题台账",
        popup_fields={
            "id": "案件编号",
            "title": "问题",
            "state": "状态",
            "unit": "责任单位",
            "deadline_text": "整改期限",
            "overdue_text": "超期",
            "rework_count": "返工次数",
            "source": "来源",
        },
        tooltip_fields={"id": "编号", "title": "问题", "state": "状态"},
        style=style,
        marker=folium.CircleMarker(),
    )


def legend_section(cases: gpd.GeoDataFrame) -> LegendSection:
    counts = cases["state"].value_counts()
    items = [LegendItem(f"{s}（{int(counts.get(s, 0))}）", c) for s, c in STATE_COLORS.items() if counts.get(s, 0)]
    items.append(LegendItem(f"超期（{int(cases['overdue'].sum())}）", OVERDUE_COLOR, stroke="#000000", size_px=15))
    return LegendSection("问题台账", tuple(items))
