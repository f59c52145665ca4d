"""问题台账: record problems, move them through the closed loop, and read the figures.

Signed-in use only (accounts kept by the app, or a single-sign-on header when configured).
Every write goes through ``store.ledger``, which checks the role and the record version on the
server; the buttons shown are only a convenience. A workflow form carries the version of the
case the user saw: if someone changed the case since, the move is refused, never replaced.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from chuangcheng.geo import ledger_kpi as kpi
from chuangcheng.geo.admin import locate_in_grids
from chuangcheng.geo.areas import AreaFilter
from chuangcheng.geo.permissions import ACTIONS, allowed
from chuangcheng.geo.workflow import MOVES, STATES, WorkflowError, allowed_actions
from chuangcheng.ingest import sandbox
from chuangcheng.ingest.ledger_excel import export_ledger
from chuangcheng.layers import basemap
from chuangcheng.layers.assets import new_map, page_of
from chuangcheng.layers.battle_map import focus_bounds
from chuangcheng.layers.controls import legend_control
from chuangcheng.layers.ledger import cases_frame, legend_section, to_feature_group
from chuangcheng.layers.style import map_css
from chuangcheng.store import accounts, ledger, photos
from chuangcheng.store.db import writing
from chuangcheng.store.errors import StoreError
from chuangcheng.ui.auth_gate import sign_in_form, sign_out_button
from chuangcheng.ui.data import engine as store_engine
from chuangcheng.ui.data import ledger_ranking_min_due, live_refresh, load_city
from chuangcheng.ui.exports import download
from chuangcheng.ui.settings import client_address, store_url
from chuangcheng.ui.svgcharts import Series, line_chart_svg
from chuangcheng.ui.uploads import UPLOAD_HELP, saved_upload
from chuangcheng.ui.widgets import PAGE_CSS, Tile, flash, header_html, md_text, show_flashes, tiles_html

STATE_ORDER = list(STATES)


def _figures(cases: pd.DataFrame, as_of: datetime) -> None:
    f = kpi.ledger_figures(cases, as_of=as_of)
    st.markdown(
        tiles_html(
            [
                Tile(
                    "结案率",
                    f["closing_rate"].percent_text(),
                    f"结案 {f['closing_rate'].numerator} / 应结案 {f['due']}",
                    "#43a047",
                ),
                Tile(
                    "按期结案率",
                    f["on_time_rate"].percent_text(),
                    f"按期 {f['on_time_rate'].numerator} / 应结案 {f['due']}",
                    "#1e88e5",
                ),
                Tile(
                    "返工率",
                    f["rework_rate"].percent_text(),
                    f"返工 {f['rework_rate'].numerator} 次 / 处置 {f['rework_rate'].denominator} 件",
                    "#8e24aa",
                ),
                Tile("超期未结", f"{f['overdue']}", f"在办 {f['open']} 件，挂账 {f['parked']} 件", "#d50000"),
                Tile(
                    "平均处置时长",
                    "—" if pd.isna(f["avg_handling_days"]) else f"{f['avg_handling_days']:.1f} 天",
                    "派遣至结案",
                    "#6d4c41",
                ),
                Tile("案件总数", f"{len(cases)}", f"应结案数以截至 {as_of:%Y-%m-%d %H:%M} 到期为准", "#37474f"),
            ]
        ),
        unsafe_allow_html=True,
    )
    st.caption(kpi.REWORK_NOTE)


def _do_move(engine, actor, case_id: int, seen_version: int) -> None:
    """The form's submit callback: runs before the page re-renders, with the version and the
    action exactly as the user saw and chose them."""
    action = str(st.session_state.get("led_action", ""))
    now = datetime.now()
    try:
        days = int(st.session_state.get("led_days", 7))
        ledger.transition(
            engine,
            actor,
            case_id,
            action,
            expected_version=seen_version,
            at=now,
            address=client_address(),
            note=st.session_state.get("led_note", ""),
            unit=st.session_state.get("led_unit") if action == "dispatch" else None,
            deadline=now + timedelta(days=days),
        )
        flash("success", f"案件 {case_id} 已执行“{MOVES[action].title_zh}”。")
    except (WorkflowError, StoreError) as exc:
        flash("error", str(exc))


def _cases_map(cases: pd.DataFrame, city, as_of: datetime) -> None:
    fmap = new_map(min_zoom=8, max_zoom=18)
    page_of(fmap).header.add_child(map_css())
    basemap.to_feature_group(
        city["admin_boundaries"], city["roads"], focus_adcodes=set(city["districts"]["district_code"])
    ).add_to(fmap)
    located = cases_frame(cases, as_of=as_of)
    if len(located):
        to_feature_group(located).add_to(fmap)
        legend_control([legend_section(located)]).add_to(fmap)
        west, south, east, north = located.total_bounds
        fmap.fit_bounds([[south, west], [north, east]], padding=(20, 20))
    else:
        fmap.fit_bounds(focus_bounds(city, AreaFilter()))
    st_folium(fmap, height=420, use_container_width=True, key="led_map", returned_objects=[])


# long: the case list, details and workflow form in reading order
def _ledger_tab(engine, actor, cases, city, as_of):
    left, mid, right = st.columns(3)
    states = left.multiselect(
        "状态",
        STATES,
        default=[s for s in STATES if s not in ("作废", "不予立案")],
        key="led_states",
        placeholder="选择状态",
    )
    units = mid.multiselect(
        "责任单位", sorted(cases["unit"].dropna().unique()), key="led_units", placeholder="全部单位"
    )
    overdue_only = right.checkbox("只看超期", key="led_overdue")
    shown = cases[cases["state"].isin(states)]
    if units:
        shown = shown[shown["unit"].isin(units)]
    if overdue_only:
        shown = shown[kpi.is_overdue(shown, as_of)]
    table = shown[["id", "title", "state", "unit", "source", "deadline", "rework_count", "grid_code"]].rename(
        columns={
            "id": "编号",
            "title": "问题",
            "state": "状态",
            "unit": "责任单位",
            "source": "来源",
            "deadline": "整改期限",
            "rework_count": "返工",
            "grid_code": "网格编码",
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=260)
    download(
        st,
        "导出当前筛选结果（Excel）",
        export_ledger(shown),
        file_name="问题台账.xlsx",
        key="led_export",
        what="问题台账（当前筛选）",
        rows=len(shown),
    )
    _cases_map(shown, city, as_of)
    if shown.empty:
        return
    titles = dict(zip(shown["id"], shown["title"]))
    case_id = st.selectbox(
        "选择案件查看与处理", list(titles), key="led_case", format_func=lambda i: f"{i} · {titles.get(i, '')}"
    )
    case = ledger.read_case(engine, int(case_id))
    st.markdown(
        f"**案件 {case.id}**：当前状态 **{case.state}**，责任单位 {md_text(case.unit or '未派遣')}，版本 {case.version}"
    )
    history = ledger.read_events(engine, int(case_id))[["at", "actor", "action", "from_state", "to_state", "note"]]
    history["action"] = history["action"].map(lambda a: MOVES[a].title_zh if a in MOVES else "上报")
    st.dataframe(
        history.rename(
            columns={
                "at": "时间",
                "actor": "操作人",
                "action": "操作",
                "from_state": "原状态",
                "to_state": "新状态",
                "note": "说明",
            }
        ),
        hide_index=True,
        width="stretch",
    )
    pictures = photos.read_photos(engine, "case", case.id)
    if pictures:
        st.image(pictures, width=200)
    actions = allowed_actions(case, actor)
    if not actions:
        st.caption("您的账号对该案件没有可执行的操作。")
        return
    units_ok = accounts.dispatchable_units(engine)
    with st.form(f"led_move_{case.id}"):
        st.selectbox("操作", actions, format_func=lambda a: MOVES[a].title_zh, key="led_action")
        st.text_input("说明", key="led_note", max_chars=500)
        if "dispatch" in actions:
            st.selectbox(
                "责任单位（派遣时选择，仅列出已有账号的单位）",
                units_ok,
                key="led_unit",
                index=units_ok.index(case.unit) if case.unit in units_ok else None,
                placeholder="选择责任单位",
            )
            st.number_input("整改期限（天，派遣时）", min_value=1, max_value=90, value=7, key="led_days")
        st.form_submit_button("提交", type="primary", on_click=_do_move, args=(engine, actor, case.id, case.version))


# long: the report form top to bottom as the reporter fills it
def _report_tab(engine, actor, city):
    if not allowed(actor.role, "case.report"):
        st.info(f"上报问题需要{'、'.join(ACTIONS['case.report'][1])}账号。")
        return
    categories = ledger.read_categories(engine)
    names = dict(zip(categories["code"], categories["name"]))
    points = city["inspection_points"]
    point_names = dict(zip(points["point_id"], points["point_name"]))
    st.caption("在地图上点击问题位置（或在下方填写经纬度、选择测评点位）。")
    pick = new_map(min_zoom=8, max_zoom=18)
    page_of(pick).header.add_child(map_css())
    basemap.to_feature_group(
        city["admin_boundaries"], city["roads"], focus_adcodes=set(city["districts"]["district_code"])
    ).add_to(pick)
    pick.fit_bounds(focus_bounds(city, AreaFilter()))
    clicked = st_folium(pick, height=320, use_container_width=True, key="rep_map", returned_objects=["last_clicked"])
    if clicked and clicked.get("last_clicked"):
        st.session_state["rep_lon"] = round(float(clicked["last_clicked"]["lng"]), 6)
        st.session_state["rep_lat"] = round(float(clicked["last_clicked"]["lat"]), 6)
    centre = city["districts"].geometry.union_all().representative_point()
    st.session_state.setdefault("rep_lon", round(centre.x, 6))
    st.session_state.setdefault("rep_lat", round(centre.y, 6))
    with st.form("led_report", clear_on_submit=True):
        title = st.text_input("问题描述（标题）", key="rep_title", max_chars=200)
        category = st.selectbox(
            "类别（部件/事件）", list(names), format_func=lambda c: f"{c} {names[c]}", key="rep_category"
        )
        source = st.selectbox("来源", ledger.SOURCES, key="rep_source")
        point = st.selectbox(
            "关联测评点位（可选）",
            ["", *point_names],
            key="rep_point",
            format_func=lambda p: "（无）" if p == "" else f"{p} {point_names[p]}",
        )
        lon = st.number_input("经度（WGS84）", format="%.6f", key="rep_lon")
        lat = st.number_input("纬度（WGS84）", format="%.6f", key="rep_lat")
        description = st.text_area("详细说明", key="rep_desc", max_chars=2000)
        files = st.file_uploader(
            "照片（可选，JPG/PNG，可用手机拍照）",
            type=["jpg", "jpeg", "png"],
            accept_multiple_files=True,
            key="rep_photos",
            help=UPLOAD_HELP,
        )
        submitted = st.form_submit_button("上报", type="primary")
    if not submitted:
        return
    if point:
        row = points[points["point_id"] == point].iloc[0]
        lon, lat = float(row.geometry.x), float(row.geometry.y)
    where = locate_in_grids(
        gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326"), city["grids"]
    ).iloc[0]
    area = {k: where.get(k) for k in ("street_code", "community_code", "grid_code")}
    area["district_code"] = None if pd.isna(where.get("street_code")) else str(where["street_code"])[:6]
    try:
        with writing(engine) as conn:
            cid = ledger.insert_case(
                conn,
                actor,
                title=title,
                source=source,
                at=datetime.now(),
                address=client_address(),
                description=description,
                category_code=category,
                lon=lon,
                lat=lat,
                point_id=point or None,
                area=area,
            )
            n_photos = photos.insert_photos(
                conn, "case", cid, [(f.name, f.getvalue()) for f in files or []], actor=actor.username
            )
    except (WorkflowError, StoreError) as exc:
        st.error(md_text(exc))
        return
    grid = where.get("grid_name")
    flash(
        "success",
        f"已上报，案件编号 {cid}；所在网格：{grid if isinstance(grid, str) else '不在本市网格内'}"
        f"{f'；照片 {n_photos} 张' if n_photos else ''}。",
    )
    st.rerun()


BY_TITLES = {
    "unit": "责任单位",
    "district_code": "区划代码",
    "street_code": "街道代码",
    "community_code": "社区代码",
    "grid_code": "网格代码",
}


def _figures_table(where, table, by: str) -> None:
    """The figures per unit as people read them: Chinese headers, rates in % and days with one
    decimal (the values stay numbers, so the columns still sort)."""
    shown = table.rename(columns={by: BY_TITLES.get(by, by)})
    for rate in ("结案率", "按期结案率"):
        if rate in shown:
            shown[rate] = shown[rate] * 100
    # A Styler sets the text shown (a rate with nothing due is "—", not "None") while the
    # values stay numbers, so the columns still sort.
    formats = {
        c: f for c, f in (("结案率", "{:.1f}%"), ("按期结案率", "{:.1f}%"), ("平均处置天数", "{:.1f}")) if c in shown
    }
    where.dataframe(shown.style.format(formats, na_rep="—"), hide_index=True, width="stretch")


def _stats_tab(cases, city, as_of):
    period = st.date_input(
        "统计时段（按上报时间）",
        value=(as_of.date() - timedelta(days=60), as_of.date()),
        key="led_period",
        format="YYYY-MM-DD",
    )
    start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (as_of.date(), as_of.date())
    chosen = cases[(cases["reported_at"].dt.date >= start) & (cases["reported_at"].dt.date <= end)]
    _figures(chosen, as_of)
    names = {
        "street_code": dict(zip(city["streets"]["street_code"], city["streets"]["street_name"])),
        "district_code": dict(zip(city["districts"]["district_code"], city["districts"]["district_name"])),
    }
    by = st.radio(
        "排名单元",
        ["unit", "district_code", "street_code", "community_code", "grid_code"],
        horizontal=True,
        key="led_by",
        format_func={
            "unit": "责任单位",
            "district_code": "区",
            "street_code": "街道",
            "community_code": "社区",
            "grid_code": "网格",
        }.get,
    )
    table = kpi.figures_by(chosen, by, as_of=as_of)
    if by in names and not table.empty:
        table.insert(1, "名称", table[by].map(names[by]))
    min_due, source = ledger_ranking_min_due()
    red, black = kpi.red_black(table, podium=None, min_due=min_due)
    st.caption(
        f"应结案数不少于 {min_due} 件的单位参与红黑榜（{source}）；按期结案率高者在前，相同时结案率高者在前，"
        "仍相同则并列。参与的单位不少于 9 个时红榜、黑榜各 3 名，否则一红一黑；并列者不会同时上红榜和黑榜。"
    )
    left, right = st.columns(2)
    left.markdown("**红榜（按期结案率最高）**")
    _figures_table(left, red, by)
    right.markdown("**黑榜（按期结案率最低）**")
    _figures_table(right, black, by)
    _figures_table(st, table, by)
    progress = city["progress"]
    if progress.empty:
        return
    chart = line_chart_svg(
        "进度：累计发现与办结（件）",
        progress["date"],
        [
            Series("累计发现", progress["problems_found"].to_numpy(), "#c62828"),
            Series("累计办结", progress["problems_closed"].to_numpy(), "#2e7d32"),
        ],
        dark=False,
    )
    st.markdown(f'<div style="max-width:720px">{chart}</div>', unsafe_allow_html=True)


def _import_tab(engine, actor, city):
    if not allowed(actor.role, "ledger.import"):
        st.info(f"导入台账需要{'、'.join(ACTIONS['ledger.import'][1])}账号。")
        return
    upload = st.file_uploader("Excel 台账（.xlsx）", type=["xlsx"], key="led_import_file", help=UPLOAD_HELP)
    if upload is None or not st.button("导入台账", key="led_import"):
        return
    try:
        result = sandbox.import_ledger(
            saved_upload(upload, (".xlsx",)),
            store_url=store_url(),
            actor=actor,
            display_name=upload.name,
            now=datetime.now(),
            address=client_address(),
        )
        flash(
            "success",
            f"{upload.name}：新建 {len(result['created'])} 件，拒绝 {result['rejected']} 行，"
            f"跳过 {len(result['skipped'])} 行。",
            result["rejected_rows"].rename(columns={"file": "文件", "row": "行号", "reason": "原因"}),
        )
    except (StoreError, WorkflowError, ValueError) as exc:
        flash("error", str(exc))
    st.rerun()


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    engine = store_engine()
    state = load_city()
    city = state.frames
    now = datetime.now()
    st.markdown(
        header_html(
            "问题台账：交办 → 整改 → 核查 → 销号",
            "示范数据（程序生成）" if state.generated else "",
            f"{now:%Y-%m-%d %H:%M}",
        ),
        unsafe_allow_html=True,
    )
    actor = sign_in_form(engine)
    if actor is None:
        return
    sign_out_button(actor)
    show_flashes()
    cases = ledger.read_cases(engine, actor)
    _figures(cases, now)
    # Only the tabs this role can use (the store refuses the rest whatever a page shows).
    sections = [("台账与处置", lambda: _ledger_tab(engine, actor, cases, city, now))]
    if allowed(actor.role, "case.report"):
        sections.append(("上报问题", lambda: _report_tab(engine, actor, city)))
    sections.append(("统计与红黑榜", lambda: _stats_tab(cases, city, now)))
    if allowed(actor.role, "ledger.import"):
        sections.append(("导入", lambda: _import_tab(engine, actor, city)))
    for tab, (_, draw) in zip(st.tabs([name for name, _ in sections]), sections):
        with tab:
            draw()
    live_refresh()


render()
