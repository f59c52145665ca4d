"""问题台账: record problems, move them through the closed loop, and read the figures.

Signed-in use only (accounts kept by the app, or a single-sign-on header when configured).
Every write goes through ``geo.ledger.store``, which checks the role and the record version on
the server; the buttons shown are only a convenience.
"""

from __future__ import annotations

import html
import os
import time
from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from streamlit_folium import st_folium

from geo import citydata
from geo.admin import locate_in_grids
from geo.errors import CityDataError
from geo.ledger import auth, kpi, store
from geo.ledger.excel import export_ledger, import_ledger
from geo.ledger.seed import ensure_ledger
from geo.ledger.workflow import ADMIN, MOVES, ROLES, STATES, Actor, WorkflowError, allowed_actions
from layers import basemap
from layers.assets import new_map
from layers.controls import legend_control
from layers.ledger import cases_frame, legend_section, to_feature_group
from layers.style import map_css
from ui.data import load_city
from ui.widgets import PAGE_CSS, Tile, header_html, tiles_html

DEFAULT_URL = f"sqlite:///{citydata.PROJECT_ROOT / 'data' / 'demo' / 'ledger.sqlite'}"


def ledger_url() -> str:
    try:
        url = st.secrets.get("ledger", {}).get("url")
    except FileNotFoundError:
        url = None
    return url or os.environ.get("CHUANGCHENG_LEDGER_URL") or DEFAULT_URL


def sso_header() -> str | None:
    try:
        return st.secrets.get("auth", {}).get("sso_header")
    except FileNotFoundError:
        return os.environ.get("CHUANGCHENG_SSO_HEADER")


@st.cache_resource(show_spinner="正在打开问题台账数据库…")
def _engine(url: str, as_of: str):
    city, _ = load_city()
    points = citydata.read_layer("inspection_points")
    return ensure_ledger(url, points, as_of=datetime.fromisoformat(as_of))


def _sign_in(engine) -> Actor | None:
    if "actor" in st.session_state:
        return st.session_state["actor"]
    header = sso_header()
    if header and st.context.headers.get(header):
        username = st.context.headers.get(header)
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT username, role, unit FROM users WHERE username = :u"),
                               {"u": username}).mappings().first()
        if row:
            st.session_state["actor"] = Actor(row["username"], row["role"], row["unit"])
            return st.session_state["actor"]
        st.error(f"单点登录用户 “{username}” 没有台账账号，请联系管理员。")
        return None
    with st.form("sign_in"):
        st.markdown("#### 登录问题台账")
        username = st.text_input("用户名", key="login_user")
        password = st.text_input("密码", type="password", key="login_password")
        if st.form_submit_button("登录", type="primary"):
            try:
                st.session_state["actor"] = store.sign_in(engine, username.strip(), password, now=time.time())
                st.rerun()
            except auth.AuthError as exc:
                st.error(str(exc))
    return None


def _figures(cases: pd.DataFrame, as_of: datetime) -> None:
    f = kpi.ledger_figures(cases, as_of=as_of)
    st.markdown(tiles_html([
        Tile("结案率", f["closing_rate"].percent_text(),
             f"结案 {f['closing_rate'].numerator} / 应结案 {f['due']}", "#43a047"),
        Tile("按期结案率", f["on_time_rate"].percent_text(),
             f"按期 {f['on_time_rate'].numerator} / 应结案 {f['due']}", "#1e88e5"),
        Tile("返工率", f["rework_rate"].percent_text(),
             f"返工 {f['rework_rate'].numerator} 次 / 处置 {f['rework_rate'].denominator} 件", "#8e24aa"),
        Tile("超期未结", f"{f['overdue']}", f"在办 {f['open']} 件，挂账 {f['parked']} 件", "#d50000"),
        Tile("平均处置时长", "—" if pd.isna(f["avg_handling_days"]) else f"{f['avg_handling_days']:.1f} 天",
             "派遣至结案", "#6d4c41"),
        Tile("案件总数", f"{len(cases)}", f"应结案数以截至 {as_of:%Y-%m-%d} 到期为准", "#37474f"),
    ]), unsafe_allow_html=True)
    st.caption(kpi.REWORK_NOTE)


def _ledger_tab(engine, actor, cases, city, as_of):
    left, mid, right = st.columns(3)
    states = left.multiselect("状态", STATES, default=[s for s in STATES if s not in ("作废", "不予立案")],
                              key="led_states")
    units = mid.multiselect("责任单位", sorted(cases["unit"].dropna().unique()), key="led_units")
    overdue_only = right.checkbox("只看超期", key="led_overdue")
    shown = cases[cases["state"].isin(states)]
    if units:
        shown = shown[shown["unit"].isin(units)]
    located = cases_frame(shown, as_of=as_of)
    if overdue_only:
        shown = shown[shown["id"].isin(located.loc[located["overdue"], "id"])]
        located = located[located["overdue"]]
    table = shown[["id", "title", "state", "unit", "source", "deadline", "rework_count", "grid_code"]].rename(
        columns={"id": "编号", "title": "问题", "state": "状态", "unit": "责任单位", "source": "来源",
                 "deadline": "整改期限", "rework_count": "返工", "grid_code": "网格编码"})
    st.dataframe(table, hide_index=True, width="stretch", height=260)
    st.download_button("导出当前筛选结果（Excel）", export_ledger(shown), file_name="问题台账.xlsx",
                       key="led_export")
    fmap = new_map(min_zoom=9, max_zoom=18)
    fmap.get_root().header.add_child(map_css())
    basemap.to_feature_group(city["admin_boundaries"], city["roads"], focus_adcode="140213").add_to(fmap)
    if len(located):
        to_feature_group(located).add_to(fmap)
        legend_control([legend_section(located)]).add_to(fmap)
        west, south, east, north = located.total_bounds
        fmap.fit_bounds([[south, west], [north, east]], padding=(20, 20))
    st_folium(fmap, height=420, use_container_width=True, key="led_map", returned_objects=[])
    if shown.empty:
        return
    case_id = st.selectbox("选择案件查看与处理", shown["id"].tolist(),
                           format_func=lambda i: f"{i} · {shown.set_index('id').loc[i, 'title']}", key="led_case")
    case = store.read_case(engine, int(case_id))
    st.markdown(f"**案件 {case.id}**：当前状态 **{case.state}**，责任单位 {html.escape(case.unit or '未派遣')}，"
                f"版本 {case.version}")
    history = store.read_events(engine, int(case_id))[["at", "actor", "action", "from_state", "to_state", "note"]]
    history["action"] = history["action"].map(lambda a: MOVES[a].title_zh if a in MOVES else "上报")
    st.dataframe(history.rename(columns={"at": "时间", "actor": "操作人", "action": "操作", "from_state": "原状态",
                                         "to_state": "新状态", "note": "说明"}), hide_index=True, width="stretch")
    actions = allowed_actions(case, actor)
    if not actions:
        st.caption("您的账号对该案件没有可执行的操作。")
        return
    with st.form("led_move"):
        action = st.selectbox("操作", actions, format_func=lambda a: MOVES[a].title_zh, key="led_action")
        note = st.text_input("说明", key="led_note")
        unit = st.text_input("责任单位（派遣时填写）", value=case.unit or "", key="led_unit")
        days = st.number_input("整改期限（天，派遣时）", min_value=1, max_value=90, value=7, key="led_days")
        if st.form_submit_button("提交", type="primary"):
            now = datetime.now()
            try:
                store.transition(engine, actor, case.id, action, expected_version=case.version, at=now,
                                 note=note, unit=unit or None, deadline=now + timedelta(days=int(days)))
                st.success(f"已执行“{MOVES[action].title_zh}”。")
                st.rerun()
            except WorkflowError as exc:
                st.error(str(exc))


def _report_tab(engine, actor, city):
    if actor.role not in ("督查受理", ADMIN):
        st.info("只有督查/受理和管理员账号可以上报问题。")
        return
    with engine.connect() as conn:
        categories = pd.read_sql(sa.text("SELECT code, name FROM categories ORDER BY code"), conn)
    points = city["inspection_points"]
    with st.form("led_report"):
        title = st.text_input("问题描述（标题）", key="rep_title")
        category = st.selectbox("类别（部件/事件）", categories["code"].tolist(),
                                format_func=lambda c: f"{c} {categories.set_index('code').loc[c, 'name']}",
                                key="rep_category")
        source = st.selectbox("来源", store.SOURCES, key="rep_source")
        point = st.selectbox("关联测评点位（可选）", ["（无）", *points["point_id"].tolist()],
                             format_func=lambda p: p if p == "（无）" else
                             f"{p} {points.set_index('point_id').loc[p, 'point_name']}", key="rep_point")
        lon = st.number_input("经度（WGS84）", value=113.3000, format="%.6f", key="rep_lon")
        lat = st.number_input("纬度（WGS84）", value=40.0900, format="%.6f", key="rep_lat")
        description = st.text_area("详细说明", key="rep_desc")
        if st.form_submit_button("上报", type="primary"):
            if point != "（无）":
                p = points.set_index("point_id").loc[point]
                lon, lat = float(p.geometry.x), float(p.geometry.y)
            import geopandas as gpd

            where = locate_in_grids(gpd.GeoDataFrame(geometry=gpd.points_from_xy([lon], [lat]), crs="EPSG:4326"),
                                    city["grids"]).iloc[0]
            try:
                cid = store.create_case(engine, actor, title=title, source=source, at=datetime.now(),
                                        description=description, category_code=category, lon=lon, lat=lat,
                                        point_id=None if point == "（无）" else point,
                                        area={k: where.get(k) for k in ("street_code", "community_code", "grid_code")})
                st.success(f"已上报，案件编号 {cid}；所在网格：{where.get('grid_name') or '不在本区网格内'}。")
            except WorkflowError as exc:
                st.error(str(exc))


def _stats_tab(cases, city, as_of):
    start, end = st.date_input("统计时段（按上报时间）", value=(as_of.date() - timedelta(days=60), as_of.date()),
                               key="led_period")
    period = cases[(cases["reported_at"].dt.date >= start) & (cases["reported_at"].dt.date <= end)]
    _figures(period, as_of)
    names = dict(zip(city["streets"]["street_code"], city["streets"]["street_name"]))
    by = st.radio("排名单元", ["unit", "street_code", "community_code", "grid_code"], horizontal=True,
                  format_func={"unit": "责任单位", "street_code": "街道", "community_code": "社区",
                               "grid_code": "网格"}.get, key="led_by")
    table = kpi.figures_by(period, by, as_of=as_of)
    if by == "street_code" and not table.empty:
        table.insert(1, "街道", table["street_code"].map(names))
    red, black = kpi.red_black(table)
    left, right = st.columns(2)
    left.markdown("**红榜（按期结案率最高）**")
    left.dataframe(red, hide_index=True, width="stretch")
    right.markdown("**黑榜（按期结案率最低）**")
    right.dataframe(black, hide_index=True, width="stretch")
    st.dataframe(table, hide_index=True, width="stretch")


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    city, meta = load_city()
    as_of = datetime.fromisoformat(meta.get("as_of", datetime.now().date().isoformat()))
    engine = _engine(ledger_url(), as_of.isoformat())
    st.markdown(header_html("问题台账：交办 → 整改 → 核查 → 销号",
                            "示范数据（程序生成）" if meta.get("generated") == "true" else "", meta.get("as_of", "")),
                unsafe_allow_html=True)
    actor = _sign_in(engine)
    if actor is None:
        st.caption("示范账号：leader（领导）、inspector（督查/受理）、unit01…（责任单位）、admin（管理员），"
                   "初始密码见 README；正式使用前请修改。")
        return
    top_left, top_right = st.columns([4, 1])
    top_left.caption(f"当前用户：{html.escape(actor.username)}（{actor.role}{'，' + actor.unit if actor.unit else ''}）")
    if top_right.button("退出登录", key="sign_out"):
        st.session_state.pop("actor", None)
        st.rerun()
    cases = store.read_cases(engine, actor)
    _figures(cases, as_of)
    tab_list, tab_report, tab_stats, tab_io = st.tabs(["台账与处置", "上报问题", "统计与红黑榜", "导入"])
    with tab_list:
        _ledger_tab(engine, actor, cases, city, as_of)
    with tab_report:
        _report_tab(engine, actor, city)
    with tab_stats:
        _stats_tab(cases, city, as_of)
    with tab_io:
        upload_path = st.text_input("Excel 台账文件路径（服务器上）", key="led_import_path")
        if upload_path and st.button("导入台账", key="led_import"):
            try:
                result = import_ledger(upload_path, engine, actor, now=datetime.now())
                st.success(f"新建 {len(result.created)} 件，拒绝 {len(result.rejected)} 行，跳过 {len(result.skipped)} 行。")
                if result.rejected:
                    st.dataframe(pd.DataFrame(result.rejected), hide_index=True, width="stretch")
            except (CityDataError, WorkflowError) as exc:
                st.error(str(exc))
    if actor.role == ADMIN:
        with st.expander("管理员：新建账号"):
            with st.form("new_user"):
                username = st.text_input("用户名", key="nu_name")
                role = st.selectbox("角色", ROLES, key="nu_role")
                unit = st.text_input("所属单位（责任单位账号）", key="nu_unit")
                password = st.text_input("初始密码", type="password", key="nu_pw")
                if st.form_submit_button("创建"):
                    try:
                        store.create_user(engine, username.strip(), password, role=role, unit=unit or None)
                        st.success(f"已创建 {username}。")
                    except (auth.AuthError, sa.exc.IntegrityError) as exc:
                        st.error(str(exc) if isinstance(exc, auth.AuthError) else "用户名已存在。")


render()
