"""大屏: the 作战挂图 for a wall screen — dark, full screen, no scrollbars, a rotating map."""

from __future__ import annotations

import html
from datetime import date

import streamlit as st

from geo import kpi
from geo.lifecircle import CoverageRequest, analyse
from geo.wallscreen import load_wall_config
from layers.battle_map import generated_note
from layers.wall_map import CoverageTheme, build_wall_map
from ui.data import (data_version, live_refresh, load_city, load_network, load_thresholds,
                     ranking_min_measured)
from ui.svgcharts import Series, line_chart_svg
from ui.widgets import ranking_html

WALL_PAGE_CSS = """
<style>
html, body, .stApp { overflow: hidden !important; background: #0b1a2b !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, footer,
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
.block-container { padding: 0.6vw 0.8vw !important; max-width: 100% !important; }
.stApp, .stApp p, .stApp div { color: #e6edf3; }
[data-testid="stVerticalBlock"] { gap: 0.5vw !important; }
.stMain iframe { height: calc(100vh - 5.2vw) !important; min-height: 400px; border-radius: 8px; }
.cc-wall-head { display: flex; align-items: baseline; gap: 1.2vw; }
.cc-wall-head h1 { font-size: clamp(22px, 2.1vw, 84px); margin: 0; color: #ffd54f; font-weight: 800;
  padding: 0 !important; }
.cc-wall-head .cc-wall-meta { font-size: clamp(12px, 0.85vw, 34px); color: #b0bec5; }
.cc-wtiles { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.5vw; }
.cc-wtile { background: #11263d; border-left: 0.35vw solid #ffd54f; border-radius: 6px;
  padding: 0.45vw 0.7vw; }
.cc-wtile .k { font-size: clamp(12px, 0.8vw, 32px); color: #b0bec5; }
.cc-wtile .v { font-size: clamp(22px, 2.0vw, 80px); font-weight: 800; color: #ffffff; line-height: 1.1; }
.cc-wtile .d { font-size: clamp(10px, 0.62vw, 24px); color: #90a4ae; }
.cc-wpanel h3 { font-size: clamp(14px, 1.0vw, 40px) !important; color: #ffd54f !important;
  margin: 0.3vw 0 0.2vw 0 !important; padding: 0 !important; }
.cc-wpanel .cc-rank { font-size: clamp(11px, 0.72vw, 28px); }
.cc-wpanel .cc-rank th { color: #90a4ae; border-bottom-color: #2d3f55; }
.cc-wpanel .cc-rank td { border-bottom-color: #1c3148; padding: 0.12vw 0.2vw; }
.cc-wpanel .cc-rank tr.cc-sel td { background: #1c3148; }
.cc-wpanel .cc-bar { background: #1c3148; width: 4.5vw; height: 0.6vw; }
.cc-wpanel .cc-bar > span { height: 0.6vw; }
.cc-wchart { background: #11263d; border-radius: 6px; padding: 0.3vw; }
.cc-tag { font-size: 0.85em; border-radius: 4px; padding: 0 0.3em; color: #fff !important; }
.cc-tag.red { background: #c62828; }
.cc-tag.black { background: #000000; border: 1px solid #90a4ae; }
</style>
"""


def _figures(data, progress, chosen: tuple[str, ...]) -> str:
    points = data["inspection_points"]
    rate = kpi.inspection_pass_rate(points)
    parking = kpi.parking_progress(data["parking_sections"])
    last = progress.iloc[-1] if len(progress) else {"problems_closed": 0, "problems_found": 0}
    closed = kpi.Ratio(int(last["problems_closed"]), int(last["problems_found"]))
    toilets = kpi.count_by(data["public_toilets"], "kind", ("固定公厕", "移动公厕", "共享卫生间"))
    market_counts = kpi.count_by(data["markets"], "upgrade_status", ("已改造", "改造中", "未改造"))
    tiles = {
        "pass_rate": ("测评点位达标率", rate.percent_text(), f"达标 {rate.numerator} / 已测评 {rate.denominator}"),
        "open_problems": ("未整改问题", f"{kpi.open_problems(data['cases']):,}",
                          f"{int((points['latest_result'] == '不达标').sum())} 个不达标点位"),
        "parking_progress": ("施划停车位", parking.percent_text(),
                             f"{parking.numerator:,} / {parking.denominator:,} 个"),
        "problems_closed": ("问题办结率", closed.percent_text(),
                            f"已办结 {closed.numerator:,} / 发现 {closed.denominator:,}"),
        "toilets": ("公共厕所", f"{sum(toilets.values()):,}",
                    kpi.breakdown_text(toilets, {"固定公厕": "固定", "移动公厕": "移动", "共享卫生间": "共享"})),
        "markets": ("农贸市场", f"{sum(market_counts.values())}",
                    kpi.breakdown_text({k: v for k, v in market_counts.items() if k != "未改造"})),
        "inspection_points": ("测评点位", f"{len(points)}", f"{points['point_type'].nunique()} 类"),
    }
    cells = "".join(f'<div class="cc-wtile"><div class="k">{html.escape(k)}</div>'
                    f'<div class="v">{html.escape(v)}</div><div class="d">{html.escape(d)}</div></div>'
                    for k, v, d in (tiles[f] for f in chosen))
    return f'<div class="cc-wtiles">{cells}</div>'


def _charts(progress, chosen: tuple[str, ...]) -> str:
    out = []
    if "parking_progress" in chosen:
        out.append(line_chart_svg("施划停车位累计（个）", progress["date"], [
            Series("已施划", progress["painted_bays"].to_numpy(), "#ffd54f")]))
    if "problems" in chosen:
        out.append(line_chart_svg("问题累计（件）", progress["date"], [
            Series("发现", progress["problems_found"].to_numpy(), "#ef5350"),
            Series("办结", progress["problems_closed"].to_numpy(), "#66bb6a")]))
    return "".join(f'<div class="cc-wchart">{c}</div>' for c in out)


@st.cache_resource(max_entries=4, show_spinner="正在准备大屏地图…")
def _wall_map_html(data_key: tuple, config_key: str, _city, _meta, _config, _network,
                   _standards) -> str:
    """The map page is built once per store version, date and configuration; the browser
    rotates it."""
    coverage = {}
    for key, facility, title in (("toilet_coverage", "public_toilets", "公厕"),
                                 ("market_coverage", "markets", "农贸市场")):
        band = next((v.band for v in _config.views if v.theme == key), "standard")
        result = analyse(_city, _network, _standards, CoverageRequest(facility, band))
        coverage[key] = CoverageTheme(result.compounds, result.cutoff_m, result.threshold.source_text(),
                                      result.method_title, title)
    fmap = build_wall_map(_city, _meta, _config, coverage, note=generated_note(_meta, data_key[1]))
    return fmap.get_root().render()


def _wall_day() -> date | None:
    """The date shown: ``?date=YYYY-MM-DD`` in the address, or the small date box; today by default."""
    raw = st.query_params.get("date")
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    return None if day is None or day >= date.today() else day


def render() -> None:
    st.markdown(WALL_PAGE_CSS, unsafe_allow_html=True)
    config = load_wall_config()
    day = _wall_day()
    state = load_city(day)
    map_col, side_col = st.columns([3.1, 1])
    shown = state.as_of.date().isoformat() if day is not None else state.as_of.strftime("%Y-%m-%d %H:%M")
    with map_col:
        st.markdown(f'<div class="cc-wall-head"><h1>{html.escape(config.title)}</h1>'
                    f'<span class="cc-wall-meta">{html.escape(generated_note(state.meta))} · 数据日期 '
                    f'{html.escape(shown)}{"（历史回放）" if day else ""}</span></div>', unsafe_allow_html=True)
        key = (tuple(sorted(state.layer_versions.items())), state.as_of.date().isoformat(),
               data_version().city_key() if day is None else ())
        page = _wall_map_html(key, repr(config), state.frames, state.meta, config, load_network(),
                              load_thresholds())
        st.iframe(page, height=900)

    @st.fragment(run_every=config.refresh_s)
    def side_panel() -> None:
        fresh = load_city(day)  # cached per store version: a commit anywhere is picked up here
        frames = fresh.frames
        min_measured, _ = ranking_min_measured()
        ranking = kpi.area_ranking(frames["inspection_points"], frames["cases"], frames["districts"],
                                   code_col="district_code", name_col="district_name", min_measured=min_measured)
        st.markdown(f'<div class="cc-wpanel">{_figures(frames, frames["progress"], config.figures)}'
                    f'<h3>各区测评达标率 红黑榜</h3>'
                    f'{ranking_html(ranking, level_title="区", podium_only=True, min_measured=min_measured)}'
                    f'{_charts(frames["progress"], config.charts)}</div>', unsafe_allow_html=True)

    with side_col:
        with st.popover("数据日期", help="选择过去的日期回放当日状态；地址栏加 ?date=YYYY-MM-DD 亦可"):
            chosen = st.date_input("数据日期", value=day or date.today(), max_value=date.today(),
                                   min_value=date.fromisoformat(state.meta.get("campaign_start", "2020-01-01")),
                                   key="wall_date", format="YYYY-MM-DD", label_visibility="collapsed")
            if chosen is not None and chosen != (day or date.today()):
                if chosen >= date.today():
                    st.query_params.pop("date", None)
                else:
                    st.query_params["date"] = chosen.isoformat()
                st.rerun()
        side_panel()
    if day is None:
        live_refresh()


render()
