"""15分钟生活圈: who lacks a toilet, market or car park within a walk, and where to add one."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from chuangcheng.geo.areas import AreaFilter
from chuangcheng.geo.coverage import METHOD_TITLES, NETWORK, STRAIGHT_LINE
from chuangcheng.geo.lifecircle import (
    AREA_LEVELS,
    BANDS,
    FACILITY_TYPES,
    CoverageRequest,
    analyse,
    service_area_wgs84,
    suggest_sites,
)
from chuangcheng.geo.standards import threshold
from chuangcheng.layers.battle_map import focus_bounds
from chuangcheng.layers.coverage import build_coverage_map
from chuangcheng.ui.data import data_version, live_refresh, load_city, load_network, load_thresholds
from chuangcheng.ui.exports import download
from chuangcheng.ui.uploads import to_csv_bytes, to_xlsx_bytes
from chuangcheng.ui.widgets import PAGE_CSS, Tile, header_html, md_text, tiles_html

MAX_SITES = 20


@st.cache_resource(max_entries=32, show_spinner="正在计算步行服务范围…")
def _service_area(_result, _network, data_version, request: CoverageRequest, cutoff_m: float):
    """Service areas are the slow part (polygon union); cached per store version and request."""
    return service_area_wgs84(_result, _network)


CANDIDATE_NOTE = "每行一个候选点：经度,纬度（WGS84），例如 113.3012,40.0921"


def parse_candidates(text: str) -> tuple[list[tuple[float, float]], list[str]]:
    """Candidate sites typed as "lon,lat" lines; returns the points and per-line errors."""
    points, errors = [], []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("，", ",")
        if not line:
            continue
        parts = [p.strip() for p in line.split(",")]
        try:
            lon, lat = float(parts[0]), float(parts[1])
            if len(parts) != 2 or not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError
        except (ValueError, IndexError):
            errors.append(f"第 {line_no} 行 “{raw.strip()}”：应为 经度,纬度 两个数字")
            continue
        points.append((lon, lat))
    return points, errors


def _controls(city, standards):
    ftype_keys = list(FACILITY_TYPES)
    with st.sidebar.form("coverage_form"):
        st.header("分析条件")
        facility = st.radio(
            "设施类型", ftype_keys, format_func=lambda k: FACILITY_TYPES[k].title_zh, key="cov_facility"
        )
        band = st.radio("步行圈", list(BANDS), index=2, format_func=lambda k: BANDS[k][0], key="cov_band")
        custom_m = st.number_input(
            "自定义距离（米）", min_value=50, max_value=5000, value=800, step=50, key="cov_custom_m"
        )
        method = st.radio("计算方法", [NETWORK, STRAIGHT_LINE], format_func=METHOD_TITLES.get, key="cov_method")
        level = st.radio("统计单元", list(AREA_LEVELS), format_func=lambda k: AREA_LEVELS[k][0], key="cov_level")
        ftype = FACILITY_TYPES[facility]
        options = city[ftype.layer][ftype.id_col].astype(str).tolist()
        names = dict(zip(options, city[ftype.layer][ftype.name_col].astype(str)))
        excluded = st.multiselect(
            "假设停用的设施（如改造期间关闭）",
            options,
            format_func=lambda i: f"{names.get(i, i)}（{i}）",
            key="cov_excluded",
            placeholder="不停用任何设施",
        )
        st.header("选址建议")
        k = st.number_input("建议新增数量 k", min_value=0, max_value=MAX_SITES, value=0, step=1, key="cov_k")
        candidate_text = st.text_area(
            "候选点（可选；留空则在全部路网节点中选）",
            key="cov_candidates",
            help=CANDIDATE_NOTE,
            placeholder=CANDIDATE_NOTE,
        )
        st.form_submit_button("计算", type="primary")
    request = CoverageRequest(
        facility=facility,
        band=band,
        custom_m=float(custom_m) if band == "custom" else None,
        method=method,
        excluded_ids=frozenset(excluded),
    )
    return request, level, int(k), candidate_text


def _download(frame: pd.DataFrame, stem: str) -> None:
    left, right = st.columns(2)
    download(
        left,
        "下载 CSV",
        to_csv_bytes(frame),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"csv_{stem}",
        what=f"15分钟生活圈：{stem}",
        rows=len(frame),
    )
    download(
        right,
        "下载 Excel",
        to_xlsx_bytes(frame),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{stem}",
        what=f"15分钟生活圈：{stem}",
        rows=len(frame),
    )


def _worst_tables(result, by_area, level: str) -> None:
    level_title, code_col, name_col = AREA_LEVELS[level]
    worst_areas = (
        by_area[by_area["uncovered_population"] > 0]
        .sort_values(["uncovered_population", code_col], ascending=[False, True])
        .head(20)
    )
    area_table = pd.DataFrame(
        {
            f"{level_title}": worst_areas[name_col],
            "编码": worst_areas[code_col],
            "人口": worst_areas["population"],
            "未覆盖人口": worst_areas["uncovered_population"],
            "未覆盖小区": worst_areas["uncovered_compounds"],
            "覆盖比例（%）": (worst_areas["covered_share"] * 100).round(1),
        }
    )
    compounds = (
        result.compounds[~result.compounds["covered"]]
        .sort_values(["population", "compound_id"], ascending=[False, True])
        .head(50)
    )
    compound_table = pd.DataFrame(
        {
            "小区": compounds["compound_name"],
            "编号": compounds["compound_id"],
            "人口": compounds["population"],
            "街道": compounds["street_name"],
            "社区": compounds["community_name"],
            "网格编码": compounds["grid_code"],
            "到最近设施": f"超过 {result.cutoff_m:.0f} 米",
        }
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"#### 未覆盖人口最多的{level_title}（前 20）")
        st.dataframe(area_table, hide_index=True, width="stretch")
        _download(area_table, f"未覆盖_{level_title}")
    with right:
        st.markdown("#### 未覆盖的小区（人口最多的前 50）")
        st.dataframe(compound_table, hide_index=True, width="stretch")
        _download(compound_table, "未覆盖_小区")


# long: the page's controls, figures, map and tables in reading order
def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    state = load_city()
    city, meta = state.frames, state.meta
    standards = load_thresholds()
    network = load_network()
    request, level, k, candidate_text = _controls(city, standards)
    ftype = FACILITY_TYPES[request.facility]

    badge = "示范数据（程序生成）" if meta.get("generated") == "true" else ""
    st.markdown(
        header_html(
            f"{meta.get('city_name', '')} 15分钟生活圈 · {ftype.title_zh}覆盖",
            badge,
            state.as_of.strftime("%Y-%m-%d %H:%M"),
        ),
        unsafe_allow_html=True,
    )
    try:
        result = analyse(city, network, standards, request)
    except ValueError as exc:
        st.error(md_text(exc))
        st.stop()
    totals = result.totals()
    speed = threshold(standards, "walk_speed_m_s")
    minutes = result.cutoff_m / speed.value / 60
    source = result.threshold.source_text()
    st.markdown(
        tiles_html(
            [
                Tile(
                    "覆盖人口比例",
                    "—" if math.isnan(totals["covered_share"]) else f"{totals['covered_share'] * 100:.1f}%",
                    f"{totals['covered_population']:,} / {totals['population']:,} 人（生成人口）",
                    "#1a9850",
                ),
                Tile(
                    "未覆盖人口",
                    f"{totals['uncovered_population']:,}",
                    f"{totals['uncovered_compounds']} 个小区超出范围",
                    "#d73027",
                ),
                Tile(
                    "距离阈值",
                    f"{result.cutoff_m:.0f} 米",
                    f"约 {minutes:.0f} 分钟步行（按 {speed.value} m/s）",
                    "#2b83ba",
                ),
                Tile(
                    "阈值来源",
                    result.threshold.standard.split("《")[0],
                    f"{result.threshold.what_zh}：{source}",
                    "#6d4c41",
                ),
                Tile("计算方法", "路网" if request.method == NETWORK else "直线", result.method_title, "#37474f"),
                Tile(
                    f"在用{ftype.title_zh}",
                    f"{len(result.facilities)}",
                    f"假设停用 {len(result.excluded)} 个" if len(result.excluded) else "全部在用",
                    "#263238",
                ),
            ]
        ),
        unsafe_allow_html=True,
    )
    if request.method == STRAIGHT_LINE:
        st.info("当前为直线距离（缓冲区）快速筛查，不是沿道路的步行距离，会高估覆盖范围。")

    by_area = result.by_area(city[level], level)
    sites = suggestion = None
    if k > 0:
        points, errors = parse_candidates(candidate_text)
        for error in errors:
            st.warning(f"候选点有误，已跳过：{md_text(error)}")
        candidates = None
        if points:
            candidates = gpd.GeoSeries([shapely.Point(p) for p in points], crs="EPSG:4326")
        if request.method != NETWORK:
            st.warning("选址建议按沿路网步行距离计算，请切换计算方法后再试。")
        else:
            suggestion = suggest_sites(result, network, k, candidates_wgs84=candidates)
            sites = suggestion.sites

    service = _service_area(result, network, data_version(), request, result.cutoff_m)
    fmap = build_coverage_map(
        city,
        meta,
        result=result,
        areas=by_area,
        level=level,
        service_area=service,
        sites=sites,
        bounds=focus_bounds(city, AreaFilter()),
        facility_title=ftype.title_zh,
        name_col=ftype.name_col,
    )
    st_folium(fmap, height=700, use_container_width=True, key="coverage_map", returned_objects=[])
    how = "沿路网步行距离（含接入路网的距离）" if request.method == NETWORK else "直线距离"
    st.caption(f"阈值：{result.cutoff_m:.0f} 米 — {source}。人口为生成的示范数据；距离为小区内一点到最近设施的{how}。")

    if suggestion is not None:
        st.markdown("#### 选址建议（贪心最大覆盖）")
        if suggestion.sites.empty:
            st.info("没有能增加覆盖的候选点。")
        else:
            table = pd.DataFrame(
                {
                    "顺序": suggestion.sites["rank"],
                    "经度": suggestion.sites.geometry.x.round(6),
                    "纬度": suggestion.sites.geometry.y.round(6),
                    "新增覆盖人口": suggestion.sites["gain_population"],
                    "新增覆盖小区": suggestion.sites["newly_covered_compounds"],
                    "累计覆盖比例（%）": (suggestion.sites["covered_share_after"] * 100).round(1),
                }
            )
            st.markdown(
                f"覆盖人口比例：**{suggestion.before_share * 100:.1f}% → "
                f"{suggestion.after_share * 100:.1f}%**（{suggestion.before_population:,} → "
                f"{suggestion.after_population:,} 人）"
            )
            st.dataframe(table, hide_index=True, width="stretch")
            _download(table, "选址建议")
    _worst_tables(result, by_area, level)
    live_refresh()


render()
