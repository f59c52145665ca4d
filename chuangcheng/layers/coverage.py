"""Coverage layers of the 15分钟生活圈 analysis: compounds by walking distance, service areas,
网格/社区/街道 by covered share, facilities (in use and switched off) and suggested sites."""

from __future__ import annotations

import math

import folium
import geopandas as gpd
import numpy as np

from chuangcheng.geo.lifecircle import AREA_LEVELS
from chuangcheng.layers import basemap
from chuangcheng.layers.assets import assert_offline, new_map, page_of
from chuangcheng.layers.battle_map import LEGEND_WIDTH_PX, generated_note
from chuangcheng.layers.controls import (
    FitArea,
    LegendItem,
    LegendSection,
    MetricScale,
    NameLabels,
    legend_control,
    title_control,
)
from chuangcheng.layers.export import ExportControl, NorthArrow
from chuangcheng.layers.geojson import DisplayShift, geojson_group, to_feature_collection
from chuangcheng.layers.style import map_css

# Distance classes as fractions of the cutoff; beyond the cutoff = not covered.
DISTANCE_CLASSES = ((1 / 3, "#1a9850"), (2 / 3, "#66bd63"), (1.0, "#a6d96a"))
UNCOVERED_COLOR = "#d73027"
SHARE_BINS = (
    (0.5, "#d73027", "低于 50%"),
    (0.8, "#fc8d59", "50%–79%"),
    (0.95, "#fee08b", "80%–94%"),
    (math.inf, "#1a9850", "95% 及以上"),
)
NO_RESIDENTS_COLOR = "#d9d9d9"
SERVICE_AREA_COLOR = "#2b83ba"
SITE_COLOR = "#7b1fa2"


def distance_color(distance_m: float | None, cutoff_m: float) -> str:
    if distance_m is None or not math.isfinite(distance_m) or distance_m > cutoff_m:
        return UNCOVERED_COLOR
    for fraction, color in DISTANCE_CLASSES:
        if distance_m <= fraction * cutoff_m:
            return color
    return DISTANCE_CLASSES[-1][1]


def share_color(share: float | None) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return NO_RESIDENTS_COLOR
    for bound, color, _ in SHARE_BINS:
        if share < bound:
            return color
    return SHARE_BINS[-1][1]


def _distance_text(distance_m: float, cutoff_m: float) -> str:
    return f"{distance_m:.0f} 米" if math.isfinite(distance_m) else f"超过 {cutoff_m:.0f} 米"


def compounds_group(
    compounds: gpd.GeoDataFrame, cutoff_m: float, *, shift: DisplayShift | None = None
) -> folium.FeatureGroup:
    shown = compounds.assign(
        distance_text=[_distance_text(d, cutoff_m) for d in compounds["distance_m"]],
        covered_text=np.where(compounds["covered"], "是", "否"),
        distance_for_style=compounds["distance_m"].where(np.isfinite(compounds["distance_m"]), -1.0),
    )

    def style(feature):
        d = feature["properties"]["distance_for_style"]
        return {
            "color": "#333333",
            "weight": 0.6,
            "fillOpacity": 0.85,
            "fillColor": distance_color(None if d < 0 else d, cutoff_m),
        }

    return geojson_group(
        shown,
        name="居民小区（按步行距离着色）",
        popup_fields={
            "compound_name": "小区",
            "population": "人口（生成）",
            "households": "户数",
            "distance_text": "到最近设施",
            "covered_text": "已覆盖",
            "grid_code": "网格编码",
            "community_name": "社区",
            "street_name": "街道",
        },
        tooltip_fields={"compound_name": "小区", "distance_text": "距离", "population": "人口"},
        style=style,
        shift=shift,
        extra_fields=("distance_for_style",),
    )


def areas_group(
    areas: gpd.GeoDataFrame, level_title: str, name_col: str, code_col: str, *, shift: DisplayShift | None = None
) -> folium.FeatureGroup:
    shown = areas.assign(
        share_pct=(areas["covered_share"] * 100).round(1), share_for_style=areas["covered_share"].fillna(-1.0)
    )

    def style(feature):
        s = feature["properties"]["share_for_style"]
        return {"color": "#37474f", "weight": 1.2, "fillOpacity": 0.45, "fillColor": share_color(None if s < 0 else s)}

    fields = {
        name_col: level_title,
        code_col: "编码",
        "share_pct": "覆盖人口比例（%）",
        "population": "人口（生成）",
        "uncovered_population": "未覆盖人口",
        "uncovered_compounds": "未覆盖小区数",
    }
    return geojson_group(
        shown,
        name=f"{level_title}覆盖率",
        popup_fields=fields,
        tooltip_fields=fields,
        style=style,
        shift=shift,
        extra_fields=("share_for_style",),
    )


def service_area_group(area: gpd.GeoSeries, title: str, *, shift: DisplayShift | None = None) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=title)
    frame = gpd.GeoDataFrame({"label": [title]}, geometry=area.values, crs=area.crs)
    folium.GeoJson(
        to_feature_collection(frame, ["label"], shift=shift),
        interactive=False,
        style_function=lambda _: {
            "color": SERVICE_AREA_COLOR,
            "weight": 1.5,
            "fillColor": SERVICE_AREA_COLOR,
            "fillOpacity": 0.18,
        },
    ).add_to(group)
    return group


def facilities_group(
    facilities: gpd.GeoDataFrame,
    name_col: str,
    title: str,
    *,
    switched_off: bool = False,
    shift: DisplayShift | None = None,
) -> folium.FeatureGroup:
    def style(_):
        if switched_off:
            return {
                "fill": True,
                "fillColor": "#ffffff",
                "color": "#616161",
                "weight": 2.5,
                "dashArray": "2 2",
                "fillOpacity": 0.9,
                "radius": 7,
            }
        return {
            "fill": True,
            "fillColor": "#263238",
            "color": "#ffffff",
            "weight": 1.5,
            "fillOpacity": 0.95,
            "radius": 5,
        }

    label = f"{title}（已停用，假设情景）" if switched_off else title
    return geojson_group(
        facilities,
        name=label,
        popup_fields={name_col: "名称"},
        tooltip_fields={name_col: label},
        style=style,
        marker=folium.CircleMarker(),
        shift=shift,
    )


def sites_group(sites: gpd.GeoDataFrame, *, shift: DisplayShift | None = None) -> folium.FeatureGroup:
    shown = sites.assign(share_after_pct=(sites["covered_share_after"] * 100).round(1))
    group = geojson_group(
        shown,
        name="建议新增点位",
        popup_fields={
            "rank": "建议顺序",
            "gain_population": "新增覆盖人口",
            "newly_covered_compounds": "新增覆盖小区",
            "share_after_pct": "累计覆盖比例（%）",
        },
        tooltip_fields={"rank": "建议顺序", "gain_population": "新增覆盖人口"},
        style=lambda _: {
            "fill": True,
            "fillColor": SITE_COLOR,
            "color": "#ffffff",
            "weight": 3,
            "fillOpacity": 1.0,
            "radius": 13,
        },
        marker=folium.CircleMarker(),
        shift=shift,
    )
    pts = sites.to_crs("EPSG:4326")
    lon, lat = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
    if shift is not None and len(lon):
        lon, lat = shift(lon, lat)
    NameLabels(
        [(float(la), float(lo), str(r)) for lo, la, r in zip(lon, lat, sites["rank"])], css_class="cc-label-site"
    ).add_to(group)
    return group


def legend_sections(
    cutoff_m: float, source_text: str, method_title: str, level_title: str, facility_title: str
) -> list:
    third, two_thirds = cutoff_m / 3, 2 * cutoff_m / 3
    return [
        LegendSection(
            f"居民小区：到最近{facility_title}的{method_title}",
            (
                LegendItem(f"≤ {third:.0f} 米", DISTANCE_CLASSES[0][1], shape="fill"),
                LegendItem(f"{third:.0f}–{two_thirds:.0f} 米", DISTANCE_CLASSES[1][1], shape="fill"),
                LegendItem(f"{two_thirds:.0f}–{cutoff_m:.0f} 米", DISTANCE_CLASSES[2][1], shape="fill"),
                LegendItem(f"超过 {cutoff_m:.0f} 米（未覆盖）", UNCOVERED_COLOR, shape="fill"),
            ),
        ),
        LegendSection(
            f"{level_title}：覆盖人口比例",
            tuple(LegendItem(label, color, shape="fill") for _, color, label in SHARE_BINS),
        ),
        LegendSection(
            "设施",
            (
                LegendItem(f"{facility_title}（在用）", "#263238"),
                LegendItem("已停用（假设情景）", "#ffffff", stroke="#616161"),
                LegendItem("建议新增点位（数字为顺序）", SITE_COLOR, size_px=16),
                LegendItem("步行服务范围", SERVICE_AREA_COLOR, shape="fill"),
            ),
        ),
        LegendSection(
            "阈值来源", (LegendItem(f"{cutoff_m:.0f} 米：{source_text}", "#ffffff", shape="fill", stroke="#999999"),)
        ),
    ]


def build_coverage_map(
    city: dict[str, gpd.GeoDataFrame],
    meta: dict[str, str],
    *,
    result,
    areas: gpd.GeoDataFrame,
    level: str,
    service_area: gpd.GeoSeries | None,
    sites: gpd.GeoDataFrame | None,
    bounds: list[list[float]],
    facility_title: str,
    name_col: str,
) -> folium.Map:
    """The coverage map: basemap, area shares, service area, compounds, facilities, sites."""
    level_title, code_col, area_name_col = AREA_LEVELS[level]
    fmap = new_map(min_zoom=9, max_zoom=18)
    page_of(fmap).header.add_child(map_css())
    basemap.to_feature_group(
        city["admin_boundaries"], city["roads"], focus_adcodes=set(city["districts"]["district_code"])
    ).add_to(fmap)
    areas_group(areas, level_title, area_name_col, code_col).add_to(fmap)
    if service_area is not None:
        service_area_group(service_area, f"{facility_title}步行服务范围（{result.cutoff_m:.0f} 米）").add_to(fmap)
    compounds_group(result.compounds, result.cutoff_m).add_to(fmap)
    facilities_group(result.facilities, name_col, facility_title).add_to(fmap)
    if len(result.excluded):
        facilities_group(result.excluded, name_col, facility_title, switched_off=True).add_to(fmap)
    if sites is not None and len(sites):
        sites_group(sites).add_to(fmap)
    band = f"{result.cutoff_m:.0f} 米（{result.threshold.what_zh}）"
    title_control(
        f"{meta.get('city_name', '')} {facility_title}步行覆盖",
        f"{result.method_title} · {band} · {generated_note(meta)}",
    ).add_to(fmap)
    legend_control(
        legend_sections(
            result.cutoff_m, result.threshold.source_text(), result.method_title, level_title, facility_title
        )
    ).add_to(fmap)
    folium.LayerControl(position="topright", collapsed=True).add_to(fmap)
    MetricScale().add_to(fmap)
    NorthArrow().add_to(fmap)
    ExportControl(f"{meta.get('city_name', '')}{facility_title}步行覆盖").add_to(fmap)
    FitArea(bounds, legend_px=LEGEND_WIDTH_PX).add_to(fmap)
    assert_offline(fmap)
    return fmap
