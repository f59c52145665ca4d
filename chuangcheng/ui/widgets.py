"""HTML widgets for the pages (KPI tiles, 红黑榜 ranking). Every string is escaped here."""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from chuangcheng.geo import kpi
from chuangcheng.layers.style import pass_rate_color

PAGE_CSS = """
<style>
.block-container { padding-top: 1.2rem; padding-bottom: 0.5rem; max-width: 100%; }
.cc-header { display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
.cc-header h1 { font-size: 30px; margin: 0; color: #b71c1c; font-weight: 800; }
.cc-badge { background: #fff3e0; color: #8d4a00; border: 1px solid #ffb74d; border-radius: 12px;
  padding: 2px 10px; font-size: 14px; }
.cc-asof { color: #52606d; font-size: 14px; }
.cc-tiles { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)); gap: 10px;
  margin: 8px 0 10px 0; }
.cc-tile { background: #ffffff; border: 1px solid #e4e7eb; border-left: 6px solid #b71c1c;
  border-radius: 8px; padding: 8px 12px; box-shadow: 0 1px 3px rgba(0,0,0,0.06); }
.cc-tile .cc-k { font-size: 15px; color: #3e4c59; font-weight: 600; }
.cc-tile .cc-v { font-size: 34px; font-weight: 800; color: #1f2933; line-height: 1.15; }
.cc-tile .cc-d { font-size: 13px; color: #616e7c; }
.cc-rank { width: 100%; border-collapse: collapse; font-size: 15px; }
.cc-rank th { text-align: left; color: #52606d; font-weight: 600; border-bottom: 2px solid #cbd2d9;
  padding: 3px 4px; white-space: nowrap; }
.cc-rank td { padding: 4px 4px; border-bottom: 1px solid #eef1f4; white-space: nowrap; }
.cc-rank tr.cc-sel td { background: #fff8e1; font-weight: 700; }
.cc-bar { background: #eef1f4; border-radius: 3px; height: 12px; width: 90px; display: inline-block;
  vertical-align: middle; margin-right: 6px; }
.cc-bar > span { display: block; height: 12px; border-radius: 3px; }
.cc-tag { font-size: 12px; border-radius: 4px; padding: 0 5px; color: #fff; }
.cc-tag.red { background: #c62828; }
.cc-tag.black { background: #212121; }
.cc-tag.few { background: #9e9e9e; }
</style>
"""


@dataclass(frozen=True)
class Tile:
    """One KPI tile: label, the big value, and how the value is made (the traceable detail)."""

    label: str
    value: str
    detail: str
    accent: str = "#b71c1c"
    brief: str = ""  # a shorter detail for the wall screen


def tiles_html(tiles: list[Tile]) -> str:
    cells = "".join(
        f'<div class="cc-tile" style="border-left-color:{html.escape(t.accent)}">'
        f'<div class="cc-k">{html.escape(t.label)}</div>'
        f'<div class="cc-v">{html.escape(t.value)}</div>'
        f'<div class="cc-d">{html.escape(t.detail)}</div></div>'
        for t in tiles
    )
    return f'<div class="cc-tiles">{cells}</div>'


def header_html(title: str, badge: str, as_of: str) -> str:
    badge_html = f'<span class="cc-badge">{html.escape(badge)}</span>' if badge else ""
    as_of_html = f'<span class="cc-asof">数据截至 {html.escape(as_of)}</span>' if as_of else ""
    return f'<div class="cc-header"><h1>{html.escape(title)}</h1>{badge_html}{as_of_html}</div>'


def ranking_html(
    table: pd.DataFrame,
    *,
    level_title: str = "街道",
    selected_code: str | None = None,
    podium: int | None = None,
    podium_only: bool = False,
    compact: bool = False,
    min_measured: int = 1,
) -> str:
    """An area ranking by 达标率 (``geo.kpi.area_ranking``) with its 红榜/黑榜 tags
    (``geo.kpi.podium_tags``); areas inspected at fewer than ``min_measured`` points are marked.

    ``podium_only`` keeps just the tagged rows and the selected one (the wall screen's 红黑榜);
    ``compact`` leaves out the bar and the 达标/已测 column (text large enough for a wall).
    """
    tags = kpi.podium_tags(table, podium)
    rows = []
    for (_, row), tag in zip(table.iterrows(), tags):
        if podium_only and not tag and row["code"] != selected_code:
            continue
        tag_html = {
            "红榜": '<span class="cc-tag red">红榜</span>',
            "黑榜": '<span class="cc-tag black">黑榜</span>',
        }.get(tag, "")
        if pd.isna(row["rank"]) and row["measured"] > 0:
            tag_html = f'<span class="cc-tag few" title="已测评点位少于 {min_measured} 个，不参与排名">样本不足</span>'
        if pd.isna(row["pass_rate"]):
            rate_cell = "无测评"
        elif compact:
            rate_cell = f"{row['pass_rate'] * 100:.1f}%"
        else:
            pct = row["pass_rate"] * 100
            rate_cell = (
                f'<span class="cc-bar"><span style="width:{pct:.0f}%;background:'
                f'{pass_rate_color(row["pass_rate"])}"></span></span>{pct:.1f}%'
            )
        cls = ' class="cc-sel"' if row["code"] == selected_code else ""
        rank_text = "—" if pd.isna(row["rank"]) else str(int(row["rank"]))
        counts = "" if compact else f"<td>{int(row['passed'])}/{int(row['measured'])}</td>"
        rows.append(
            f"<tr{cls}><td>{rank_text}</td><td>{html.escape(str(row['name']))} {tag_html}</td>"
            f"<td>{rate_cell}</td>{counts}<td>{int(row['open_problems'])}</td></tr>"
        )
    counts_head = "" if compact else "<th>达标/已测</th>"
    return (
        f'<table class="cc-rank"><thead><tr><th>名次</th><th>{html.escape(level_title)}</th><th>达标率</th>'
        f"{counts_head}<th>未整改</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~:"})


def md_text(value: object) -> str:
    """A user string made safe for ``st.markdown``/``st.caption``: HTML escaped and every
    markdown character escaped, so it shows as typed and never becomes a link or an image."""
    return html.escape(str(value), quote=False).translate(_MD_SPECIAL)


FLASH_KEY = "_flash_messages"


def flash(kind: str, text: str, table=None) -> None:
    """Keep the outcome of a write for the next run to show: the page reruns right after a
    write (to show the new data), and a message drawn before that rerun would vanish."""
    import streamlit as st

    st.session_state.setdefault(FLASH_KEY, []).append((kind, text, table))


def show_flashes() -> None:
    import streamlit as st

    for kind, text, table in st.session_state.pop(FLASH_KEY, []):
        # shown as plain text: messages carry file names, unit names and cell values
        {"success": st.success, "error": st.error, "warning": st.warning}.get(kind, st.info)(md_text(text))
        if table is not None and len(table):
            st.dataframe(table, hide_index=True, width="stretch")
