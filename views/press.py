"""宣传导出: posters (PNG 300 dpi / PDF, A4/A3) and progress-chart images for press staff."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo import kpi
from geo.areas import AreaFilter, filter_area
from layers.battle_map import MISSION_LAYERS, area_outline, area_title
from layers.poster import FontMissingError, PosterSpec, progress_chart, ranking_chart, render_poster, to_bytes
from ui.controls import area_control
from ui.data import data_version, live_refresh, load_city, ranking_min_measured
from ui.exports import download
from ui.widgets import PAGE_CSS, header_html, md_text



def _source_note(meta: dict[str, str]) -> str:
    if meta.get("generated") == "true":
        return "数据来源：示范数据，除市、区边界（高德，已纠偏为 WGS84）外均为程序生成"
    return "数据来源：本市创城业务台账"


@st.cache_data(max_entries=16, show_spinner="正在生成海报…")
def _poster(data_key: tuple, area: AreaFilter, layers: tuple[str, ...], paper: str, landscape: bool,
            title: str, subtitle: str, fmt: str) -> bytes:
    state = load_city()
    city, meta = state.frames, state.meta
    focus = area_outline(city, area)
    data = {name: filter_area(frame, area) if name not in ("admin_boundaries", "roads") else frame
            for name, frame in city.items()}
    spec = PosterSpec(title=title, subtitle=subtitle, paper=paper, landscape=landscape, layers=layers,
                      date_text=f"数据截至 {state.as_of:%Y-%m-%d %H:%M} · 制图 {dt.date.today().isoformat()}",
                      source_note=_source_note(meta),
                      generated_label="示范数据（程序生成）" if state.generated else "")
    return to_bytes(render_poster(data, meta, spec, focus=focus), fmt)


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    state = load_city()
    city, meta = state.frames, state.meta
    st.markdown(header_html("宣传导出：海报与进度图", "示范数据（程序生成）" if state.generated else "",
                            state.as_of.strftime("%Y-%m-%d %H:%M")), unsafe_allow_html=True)
    st.caption("地图页右上角的“导出 2×/3×”按钮可直接保存当前地图画面（含标题、图例、日期、比例尺、指北针与数据说明）。"
               "本页在服务器上生成印刷用海报（300 dpi PNG 与 PDF）和进度图。")
    left, right = st.columns(2)
    with left:
        area = area_control(city, st, prefix="press", levels=3)
    area_name = area_title(city, meta, area)
    with st.form("poster_form"):
        left, right = st.columns(2)
        layers = left.multiselect("图层", list(MISSION_LAYERS), default=list(MISSION_LAYERS),
                                  format_func=MISSION_LAYERS.get, key="press_layers", placeholder="选择图层")
        paper = right.radio("纸张", ["A3", "A4"], horizontal=True, key="press_paper")
        orientation = right.radio("方向", ["横向", "纵向"], horizontal=True, key="press_orientation")
        title = st.text_input("标题", f"{area_name} 创城作战图", key=f"press_title_{area_name}", max_chars=40)
        subtitle = st.text_input("副标题", "测评点位、网格、停车、公厕与农贸市场分布", key="press_subtitle",
                                 max_chars=80)
        submitted = st.form_submit_button("生成海报", type="primary")
    if submitted or st.session_state.get("press_made"):
        st.session_state["press_made"] = True
        version = data_version()
        args = (version.city_key(), area, tuple(layers), paper, orientation == "横向",
                title, subtitle)
        try:
            png = _poster(*args, "png")
            pdf = _poster(*args, "pdf")
        except FontMissingError as exc:
            st.error(md_text(exc))
            st.stop()
        stem = f"{title}_{paper}{orientation}"
        c1, c2 = st.columns(2)
        download(c1, "下载 PNG（300 dpi）", png, file_name=f"{stem}.png", mime="image/png", key="dl_png",
                 what=f"海报：{title}")
        download(c2, "下载 PDF", pdf, file_name=f"{stem}.pdf", mime="application/pdf", key="dl_pdf",
                 what=f"海报：{title}")
        st.image(png, caption="海报预览", width="stretch")

    st.markdown("#### 进度图（PNG）")
    progress = city["progress"]
    note = f"{_source_note(meta)} · 数据截至 {state.as_of:%Y-%m-%d %H:%M}"
    ranking = kpi.area_ranking(city["inspection_points"], city["cases"], city["districts"],
                               code_col="district_code", name_col="district_name",
                               min_measured=ranking_min_measured()[0])
    charts = {
        "施划停车位累计": lambda: progress_chart(progress, "parking_progress", title="施划停车位累计（个）", note=note),
        "问题发现与办结累计": lambda: progress_chart(progress, "problems", title="问题发现与办结累计（件）", note=note),
        "各区测评达标率排名": lambda: ranking_chart(ranking, title="各区测评达标率排名", note=note),
    }
    cols = st.columns(len(charts))
    for col, (name, make) in zip(cols, charts.items()):
        png = to_bytes(make(), "png")
        col.image(png, width="stretch")
        download(col, f"下载“{name}”", png, file_name=f"{name}.png", mime="image/png", key=f"chart_{name}",
                 what=f"进度图：{name}")
    live_refresh()


render()
