"""作战挂图: the whole city on one map with the campaign's key figures, on any date."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from chuangcheng.geo import kpi
from chuangcheng.geo.areas import LEVEL_TITLES, AreaFilter, filter_area
from chuangcheng.geo.lookup import grid_at, nearest_feature
from chuangcheng.layers.assets import missing_vendor_files
from chuangcheng.layers.battle_map import (
    MapRequest,
    area_title,
    build_battle_map,
    click_layers,
    generated_note,
    mission_layers,
)
from chuangcheng.layers.facilities import display_value
from chuangcheng.layers.tiles import BASEMAPS, display_to_wgs84
from chuangcheng.ui import figures
from chuangcheng.ui.controls import area_control, date_control
from chuangcheng.ui.data import live_refresh, load_city, ranking_min_measured
from chuangcheng.ui.figures import BATTLE_MAP_FIGURES
from chuangcheng.ui.settings import tianditu_key
from chuangcheng.ui.widgets import PAGE_CSS, header_html, md_text, ranking_html, tiles_html

CLICK_TOLERANCE_M = 60.0


def _sidebar(city, key_configured: bool) -> tuple[AreaFilter, str, frozenset[str]]:
    st.sidebar.header("区域")
    area = area_control(city.frames)
    st.sidebar.header("图层")
    layers = st.sidebar.multiselect(
        "显示的图层",
        list(mission_layers()),
        default=list(mission_layers()),
        format_func=mission_layers().__getitem__,
        key="layers",
        placeholder="选择图层",
    )
    st.sidebar.header("底图")
    options = [k for k, b in BASEMAPS.items() if key_configured or not b.needs_tianditu_key]
    basemap = st.sidebar.radio(
        "底图", options, format_func=lambda k: BASEMAPS[k].title, key="basemap", label_visibility="collapsed"
    )
    if not key_configured:
        st.sidebar.caption(
            "天地图需在 .streamlit/secrets.toml 的 [basemaps] tianditu_key 或环境变量 TIANDITU_KEY 中配置密钥后可选。"
        )
    if BASEMAPS[basemap].online:
        st.sidebar.warning(f"在线底图会访问外部瓦片服务，内网中不可用。{BASEMAPS[basemap].note}")
    return area, basemap, frozenset(layers)


def _click_details(city, data, returned: dict | None, basemap: str) -> None:
    """What the user clicked: location in WGS84 (shifted back from GCJ-02 on 高德) and the
    nearest feature with all its attributes."""
    if not returned:
        return
    clicked = returned.get("last_object_clicked") or returned.get("last_clicked")
    if not clicked:
        st.caption("点击地图上的要素查看详情；点击空白处可查看所在网格。")
        return
    lon, lat = display_to_wgs84(basemap, clicked["lng"], clicked["lat"])
    grid = grid_at(lon, lat, city["grids"])
    where = (
        "不在本市网格内"
        if grid is None
        else f"{grid['district_name']} · {grid['street_name']} · {grid['community_name']} · {grid['grid_name']}"
        f"（{grid['grid_code']}）"
    )
    st.markdown(f"**点击位置**（WGS84）：{lon:.6f}, {lat:.6f} — {md_text(where)}")
    clickable = click_layers()
    hit = nearest_feature(
        lon, lat, {name: data[name] for name in clickable if name in data}, max_distance_m=CLICK_TOLERANCE_M
    )
    if hit is None:
        return
    layer, row, distance_m = hit
    title, fields = clickable[layer]
    table = pd.DataFrame({"字段": list(fields.values()), "值": [display_value(row.get(f)) for f in fields]})
    st.markdown(f"**{title}**（距点击处 {distance_m:.0f} 米）")
    st.dataframe(table, hide_index=True, width="stretch")


def _ranking(city, data, area: AreaFilter) -> None:
    child = area.child_level()
    if child is None:
        st.caption("已选到网格，没有下级单位可排名。")
        return
    level, code_col, name_col, frame = child
    title = LEVEL_TITLES[level]
    st.markdown(f"#### {md_text(area_title(city.frames, city.meta, area))} · {title}测评达标率排名")
    min_measured, source = ranking_min_measured()
    table = kpi.area_ranking(
        data["inspection_points"],
        data["cases"],
        data[frame],
        code_col=code_col,
        name_col=name_col,
        min_measured=min_measured,
    )
    st.markdown(ranking_html(table, level_title=title, min_measured=min_measured), unsafe_allow_html=True)
    st.caption(
        f"达标率 = 达标点位 / 已测评点位（不含未测评）；未整改 = 问题台账中在办的案件。"
        f"已测评点位不少于 {min_measured} 个的单位参与排名（{source}）；{kpi.TIE_RULE}。"
        "参与排名的单位不少于 9 个时红榜、黑榜各 3 名，否则一红一黑；并列者不会同时上红榜和黑榜。"
    )


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    missing = missing_vendor_files()
    if missing:
        st.error("缺少地图前端资源：" + "、".join(missing) + "。请运行 `scripts/setup.sh` 安装。")
        st.stop()
    meta_city = load_city()
    day = date_control(meta_city.meta, "as_of")
    city = meta_city if day is None else load_city(day)
    key = tianditu_key()
    area, basemap, layers = _sidebar(city, key is not None)
    data = {name: filter_area(frame, area) for name, frame in city.frames.items()}
    as_of_text = city.as_of.strftime("%Y-%m-%d %H:%M") if day is None else f"{day.isoformat()}（历史回放）"

    badge = "示范数据（程序生成）" if city.generated else ""
    st.markdown(
        header_html(f"{area_title(city.frames, city.meta, area)} 创城作战图", badge, as_of_text), unsafe_allow_html=True
    )
    st.markdown(tiles_html(figures.tiles(BATTLE_MAP_FIGURES, data, city.as_of)), unsafe_allow_html=True)

    map_col, side_col = st.columns([2.6, 1])
    with map_col:
        fmap = build_battle_map(
            city.frames,
            city.meta,
            MapRequest(
                basemap=basemap, area=area, layers=layers, tianditu_key=key, as_of=city.as_of.date().isoformat()
            ),
        )
        returned = st_folium(
            fmap,
            height=720,
            use_container_width=True,
            key="battle_map",
            returned_objects=["last_object_clicked", "last_clicked"],
        )
        _click_details(city.frames, data, returned, basemap)
    with side_col:
        _ranking(city, data, area)
        with st.expander("数据来源与说明", expanded=False):
            st.markdown(html.escape(generated_note(city.meta)))
            for key_name in ("boundary_source", "generated_note", "real_figure_notes"):
                if city.meta.get(key_name):
                    st.markdown("- " + html.escape(city.meta[key_name]))
    if day is None:
        live_refresh()


render()
