"""Controls several pages share: the date shown and the area (区 → 街道 → 社区 → 网格)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from chuangcheng.geo.areas import AreaFilter

ALL = "__all__"
# (session key, label, frame, code column, name column, parent code column)
DRILL = (
    ("district", "区", "districts", "district_code", "district_name", None),
    ("street", "街道（乡镇）", "streets", "street_code", "street_name", "district_code"),
    ("community", "社区（村）", "communities", "community_code", "community_name", "street_code"),
    ("grid", "网格", "grids", "grid_code", "grid_name", "community_code"),
)


def date_control(city_meta: dict[str, str], key: str, container=st.sidebar) -> date | None:
    """The date whose state is shown: today by default, any day since the campaign began."""
    start = date.fromisoformat(city_meta.get("campaign_start", "2020-01-01"))
    today = date.today()
    chosen = container.date_input(
        "数据日期",
        value=today,
        min_value=min(start, today),
        max_value=today,
        key=key,
        format="YYYY-MM-DD",
        help="默认显示当前状态；选择过去的日期，按当日的测评、台账与施划记录回放。",
    )
    return None if chosen is None or chosen >= today else chosen


def area_control(frames, container=st.sidebar, *, prefix: str = "area", levels: int = 4) -> AreaFilter:
    """区 → 街道 → 社区 → 网格, each list limited to the level above."""
    chosen: dict[str, str | None] = {}
    parent_code: str | None = None
    for key, label, frame, code_col, name_col, parent_col in DRILL[:levels]:
        rows = frames[frame]
        if parent_col is not None:
            if parent_code is None:
                break
            rows = rows[rows[parent_col] == parent_code]
        names = dict(zip(rows[code_col], rows[name_col]))
        whole = "全市" if parent_col is None else "全部"
        code = container.selectbox(
            label,
            [ALL, *sorted(names)],
            key=f"{prefix}_{key}",
            format_func=lambda c, n=names, w=whole: w if c == ALL else n.get(c, c),
        )
        parent_code = None if code == ALL else code
        chosen[code_col] = parent_code
    return AreaFilter(
        **{col: chosen.get(col) for col in ("district_code", "street_code", "community_code", "grid_code")}
    )
