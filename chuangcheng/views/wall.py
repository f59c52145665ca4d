"""大屏: the 作战挂图 for a wall screen — one dark page (title bar, map, side panel) whose views
rotate in the browser; any commit to the store redraws it within seconds."""

from __future__ import annotations

from datetime import date

import streamlit as st

from chuangcheng.geo.lifecircle import CoverageRequest, analyse
from chuangcheng.geo.wallscreen import COVERAGE_THEMES, expand_views, load_wall_config
from chuangcheng.layers.wall_map import build_wall_map
from chuangcheng.ui.data import (
    data_version,
    live_refresh,
    load_city,
    load_network,
    load_thresholds,
    ranking_min_measured,
)
from chuangcheng.ui.wall_panels import PANEL_CSS, view_contents

# The Streamlit page only holds the wall document (full screen) and the 数据日期 button, which
# sits over the document's title bar at the top right.
WALL_PAGE_CSS = """
<style>
html, body, .stApp { overflow: hidden !important; background: #050d16 !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, footer,
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
.block-container { padding: 0 !important; max-width: 100% !important; }
[data-testid="stVerticalBlock"] { gap: 0 !important; }
.stMain iframe { position: fixed; inset: 0; width: 100vw !important; height: 100vh !important; border: 0; }
.stApp { --u: min(1vw, 1.7778vh); }   /* the wall document's unit (layers/wall_map.py) */
.st-key-wall_date { position: fixed; top: calc(var(--u) * 0.6); right: calc(var(--u) * 0.6);
  width: calc(var(--u) * 9.5) !important; z-index: 1000; }
.st-key-wall_date button { background: #10233a !important; color: #ffd54f !important; border-color: #ffb74d !important;
  min-height: calc(var(--u) * 2.6); }
.st-key-wall_date button p, .st-key-wall_date button span { font-size: calc(var(--u) * 1.3) !important; }
</style>
"""


@st.cache_resource(max_entries=4, show_spinner="正在准备大屏…")
def _wall_page(data_key: tuple, config_key: str, min_measured: int, _state, _config, _network, _standards) -> str:
    """The wall document, built once per store version, date and configuration; the browser
    rotates its views."""
    frames = _state.frames
    coverage = {}
    for key, facility in COVERAGE_THEMES.items():
        band = next((v.band for v in _config.views if v.theme == key), "standard")
        coverage[key] = analyse(frames, _network, _standards, CoverageRequest(facility, band))
    views = expand_views(_config, frames["districts"], frames["streets"])
    contents = view_contents(views, frames, _state.as_of, _config, coverage, min_measured)
    shown = data_key[1] if data_key[2] == () else _state.as_of.strftime("%Y-%m-%d %H:%M")
    fmap = build_wall_map(
        frames,
        contents,
        coverage,
        title=_config.title,
        badge="示范数据（程序生成）" if _state.generated else "",
        as_of_text=shown + ("（历史回放）" if data_key[2] == () else ""),
        panel_css=PANEL_CSS,
        interval_s=_config.interval_s,
        legend_collapsed=_config.legend == "collapsed",
    )
    return fmap.get_root().render()


def _wall_day() -> date | None:
    """The date shown: ``?date=YYYY-MM-DD`` in the address, or the 数据日期 button; today by default."""
    raw = st.query_params.get("date")
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        day = None
    return None if day is None or day >= date.today() else day


def _date_button(state, day: date | None) -> None:
    with st.container(key="wall_date"):
        with st.popover("数据日期", help="选择过去的日期回放当日状态；地址栏加 ?date=YYYY-MM-DD 亦可"):
            chosen = st.date_input(
                "数据日期",
                value=day or date.today(),
                max_value=date.today(),
                min_value=date.fromisoformat(state.meta.get("campaign_start", "2020-01-01")),
                key="wall_date_input",
                format="YYYY-MM-DD",
                label_visibility="collapsed",
            )
            if chosen is not None and chosen != (day or date.today()):
                if chosen >= date.today():
                    st.query_params.pop("date", None)
                else:
                    st.query_params["date"] = chosen.isoformat()
                st.rerun()


def render() -> None:
    st.markdown(WALL_PAGE_CSS, unsafe_allow_html=True)
    config = load_wall_config()
    day = _wall_day()
    state = load_city(day)
    key = (
        tuple(sorted(state.layer_versions.items())),
        state.as_of.date().isoformat(),
        data_version().city_key() if day is None else (),
    )
    min_measured, _ = ranking_min_measured()
    st.iframe(_wall_page(key, repr(config), min_measured, state, config, load_network(), load_thresholds()), height=900)
    _date_button(state, day)
    if day is None:
        live_refresh()
        _new_day(config.refresh_s)


def _new_day(refresh_s: float) -> None:
    """A wall left on for days: at midnight "today" moves on, so the page is drawn again."""
    drawn_on = date.today()

    @st.fragment(run_every=refresh_s)
    def watch() -> None:
        if date.today() != drawn_on:
            st.rerun()

    watch()


render()
