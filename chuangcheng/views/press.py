"""宣传导出: posters (A4/A3 PNG 300 dpi and PDF, a 1080-pixel WeChat image) of the 作战图 or of a
walking-coverage theme, with key figures counted over the chosen area, and progress charts."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from chuangcheng.geo import kpi
from chuangcheng.geo.areas import AreaFilter, filter_area
from chuangcheng.geo.lifecircle import FACILITY_TYPES, CoverageRequest, analyse
from chuangcheng.layers.battle_map import area_outline, area_title, mission_layers
from chuangcheng.layers.poster import (
    CoverageLayer,
    FontMissingError,
    KeyFigure,
    PosterSpec,
    progress_chart,
    ranking_chart,
    render_poster,
    save_wechat,
    to_bytes,
)
from chuangcheng.ui import figures
from chuangcheng.ui.controls import area_control
from chuangcheng.ui.data import (
    data_version,
    live_refresh,
    load_city,
    load_network,
    load_thresholds,
    ranking_min_measured,
)
from chuangcheng.ui.exports import download
from chuangcheng.ui.widgets import PAGE_CSS, header_html, md_text

THEMES = {"mission": "作战图（所选图层）", "public_toilets": "公厕步行覆盖", "markets": "农贸市场步行覆盖"}
PAPERS = {"A3": "A3（300 dpi）", "A4": "A4（300 dpi）", "wechat": "微信（1080 像素宽）"}
# key figures per drawn layer, after the three every 作战图 poster carries
LAYER_FIGURES = {"parking": "parking_progress", "public_toilets": "public_toilets", "markets": "markets"}


def _source_note(meta: dict[str, str]) -> str:
    if meta.get("generated") == "true":
        return "数据来源：示范数据，除市、区边界（高德，已纠偏为 WGS84）外均为程序生成"
    return "数据来源：本市创城业务台账"


def _coverage(city, area: AreaFilter, facility: str) -> tuple[CoverageLayer, tuple[KeyFigure, ...]]:
    """The area's compounds with their walk to the nearest facility (the facility's own
    standard), and the figures a coverage poster states."""
    result = analyse(city, load_network(), load_thresholds(), CoverageRequest(facility, "standard"))
    compounds = filter_area(result.compounds, area)
    population = int(compounds["population"].sum())
    covered = int(compounds.loc[compounds["covered"], "population"].sum())
    share = kpi.Ratio(covered, population)
    title = FACILITY_TYPES[facility].title_zh
    source = result.threshold.source_text()
    layer = CoverageLayer(compounds, filter_area(result.facilities, area), result.cutoff_m, title, source)
    return layer, (
        KeyFigure(
            "居民步行可达",
            share.percent_text(),
            f"{result.cutoff_m:.0f} 米内（{result.method_title}）可达{title}的小区人口 {covered:,} / {population:,}",
        ),
        KeyFigure(
            "未覆盖人口",
            f"{population - covered:,}",
            f"{int((~compounds['covered']).sum()):,} 个小区超过 {result.cutoff_m:.0f} 米",
        ),
        KeyFigure("服务半径", f"{result.cutoff_m:.0f} 米", source),
        KeyFigure(f"在用{title}", f"{len(layer.facilities):,}", "本区域内，来自城市数据库"),
    )


@st.cache_data(max_entries=16, show_spinner="正在生成海报…")
def _poster(
    data_key: tuple,
    area: AreaFilter,
    theme: str,
    layers: tuple[str, ...],
    paper: str,
    landscape: bool,
    title: str,
    subtitle: str,
    approval: str,
    fmt: str,
) -> tuple[bytes, str]:
    state = load_city()
    city, meta = state.frames, state.meta
    focus = area_outline(city, area)
    data = {
        name: filter_area(frame, area) if name not in ("admin_boundaries", "roads") else frame
        for name, frame in city.items()
    }
    coverage = None
    if theme == "mission":
        keys = (
            "pass_rate",
            "open_problems",
            "problems_closed",
            *(LAYER_FIGURES[k] for k in layers if k in LAYER_FIGURES),
        )
        # the WeChat image is read on a phone: the short form of each definition
        key_figures = tuple(
            KeyFigure(t.label, t.value, t.brief if paper == "wechat" else t.detail)
            for t in figures.tiles(keys, data, state.as_of)
        )
    else:
        coverage, key_figures = _coverage(city, area, theme)
    spec = PosterSpec(
        title=title,
        subtitle=subtitle,
        paper=paper,
        landscape=landscape,
        layers=layers,
        date_text=f"数据截至 {state.as_of:%Y-%m-%d %H:%M} · 制图 {dt.date.today().isoformat()}",
        source_note=_source_note(meta),
        figures=key_figures,
        map_approval=approval,
        coverage=coverage,
        generated_label="示范数据（程序生成）" if state.generated else "",
    )
    fig = render_poster(data, meta, spec, focus=focus)
    if paper == "wechat":
        return save_wechat(fig)
    return to_bytes(fig, fmt), fmt


def _subtitle(theme: str, layers: list[str]) -> str:
    if theme != "mission":
        return f"居民小区到最近{FACILITY_TYPES[theme].title_zh}的步行距离与覆盖情况"
    shown = mission_layers()
    return "、".join(shown[k] for k in shown if k in layers) + "分布"


# long: the page's form, poster and charts in reading order
def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    state = load_city()
    city, meta = state.frames, state.meta
    st.markdown(
        header_html(
            "宣传导出：海报与进度图",
            "示范数据（程序生成）" if state.generated else "",
            state.as_of.strftime("%Y-%m-%d %H:%M"),
        ),
        unsafe_allow_html=True,
    )
    st.caption(
        "地图页右上角的“导出 2×/3×”按钮可直接保存当前地图画面（含标题、图例、日期、比例尺、指北针与数据说明）。"
        "本页在服务器上生成印刷用海报（300 dpi PNG 与 PDF）、微信用图片和进度图。"
    )
    left, right = st.columns(2)
    with left:
        area = area_control(city, st, prefix="press", levels=3)
    with right:
        theme = st.radio("海报主题", list(THEMES), format_func=THEMES.get, horizontal=True, key="press_theme")
    area_name = area_title(city, meta, area)
    with st.form("poster_form"):
        left, right = st.columns(2)
        layers = left.multiselect(
            "图层（作战图）",
            list(mission_layers()),
            default=list(mission_layers()),
            format_func=mission_layers().__getitem__,
            key="press_layers",
            placeholder="选择图层",
            disabled=theme != "mission",
        )
        paper = right.radio("尺寸", list(PAPERS), format_func=PAPERS.get, horizontal=True, key="press_paper")
        orientation = right.radio(
            "方向（微信图片固定为竖版）", ["横向", "纵向"], horizontal=True, key="press_orientation"
        )
        suffix = "创城作战图" if theme == "mission" else THEMES[theme]
        title = st.text_input("标题", f"{area_name} {suffix}", key=f"press_title_{area_name}_{theme}", max_chars=40)
        subtitle = st.text_input(
            "副标题（可留空）", _subtitle(theme, layers), key=f"press_subtitle_{theme}", max_chars=80
        )
        approval = st.text_input(
            "审图号（可留空）",
            "",
            key="press_approval",
            max_chars=40,
            help="正式出版的地图须有审图号；留空时海报注明“本图为示意图，边界不作为权属争议依据”。",
        )
        submitted = st.form_submit_button("生成海报", type="primary")
    if submitted or st.session_state.get("press_made"):
        st.session_state["press_made"] = True
        args = (
            data_version().city_key(),
            area,
            theme,
            tuple(layers),
            paper,
            orientation == "横向",
            title.strip(),
            subtitle.strip(),
            approval.strip(),
        )
        stem = f"{title}_{PAPERS[paper].split('（')[0]}{'' if paper == 'wechat' else orientation}"
        try:
            image, ext = _poster(*args, "png")
            c1, c2 = st.columns(2)
            download(
                c1,
                f"下载 {ext.upper()}" + ("（微信，小于 1 MB）" if paper == "wechat" else "（300 dpi）"),
                image,
                file_name=f"{stem}.{ext}",
                mime=f"image/{'jpeg' if ext == 'jpg' else 'png'}",
                key="dl_png",
                what=f"海报：{title}",
            )
            if paper != "wechat":
                pdf, _ = _poster(*args, "pdf")
                download(
                    c2,
                    "下载 PDF",
                    pdf,
                    file_name=f"{stem}.pdf",
                    mime="application/pdf",
                    key="dl_pdf",
                    what=f"海报：{title}",
                )
        except FontMissingError as exc:
            st.error(md_text(exc))
            st.stop()
        st.image(image, caption="海报预览", width="stretch")

    st.markdown("#### 进度图（PNG）")
    progress = city["progress"]
    note = f"{_source_note(meta)} · 数据截至 {state.as_of:%Y-%m-%d %H:%M}"
    ranking = kpi.area_ranking(
        city["inspection_points"],
        city["cases"],
        city["districts"],
        code_col="district_code",
        name_col="district_name",
        min_measured=ranking_min_measured()[0],
    )
    charts = {
        "施划停车位累计": lambda: progress_chart(progress, "parking_progress", title="施划停车位累计（个）", note=note),
        "问题发现与办结累计": lambda: progress_chart(progress, "problems", title="问题发现与办结累计（件）", note=note),
        "各区测评达标率排名": lambda: ranking_chart(ranking, title="各区测评达标率排名", note=note),
    }
    cols = st.columns(len(charts))
    for col, (name, make) in zip(cols, charts.items()):
        png = to_bytes(make(), "png")
        col.image(png, width="stretch")
        download(
            col,
            f"下载“{name}”",
            png,
            file_name=f"{name}.png",
            mime="image/png",
            key=f"chart_{name}",
            what=f"进度图：{name}",
        )
    live_refresh()


render()
