"""问题台账: record problems, move them through the closed loop, and read the figures.

Signed-in use only (accounts kept by the app, or a single-sign-on header when configured).
Every write goes through ``geo.ledger.store``, which checks the role and the record version on
the server; the buttons shown are only a convenience.
"""

from __future__ import annotations

import html
import hashlib
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
from geo.ledger.workflow import ADMIN, MOVES, ROLES, STATES, WorkflowError, allowed_actions
from layers import basemap
from layers.assets import new_map
from layers.controls import legend_control
from layers.ledger import cases_frame, legend_section, to_feature_group
from layers.style import map_css
from ui.data import load_city
from ui.auth_gate import sign_in_form
from ui.ledger_data import ledger_engine
from ui.widgets import PAGE_CSS, Tile, header_html, tiles_html

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
    photos = sorted(_photos_dir(case.id).glob("*")) if _photos_dir(case.id).exists() else []
    if photos:
        st.image([str(p) for p in photos], width=200)
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
    st.caption("在地图上点击问题位置（或在下方填写经纬度、选择测评点位）。")
    pick = new_map(min_zoom=9, max_zoom=18, location=[40.09, 113.30], zoom_start=13)
    pick.get_root().header.add_child(map_css())
    basemap.to_feature_group(city["admin_boundaries"], city["roads"], focus_adcode="140213").add_to(pick)
    clicked = st_folium(pick, height=320, use_container_width=True, key="rep_map",
                        returned_objects=["last_clicked"])
    if clicked and clicked.get("last_clicked"):
        st.session_state["rep_lon"] = round(float(clicked["last_clicked"]["lng"]), 6)
        st.session_state["rep_lat"] = round(float(clicked["last_clicked"]["lat"]), 6)
    st.session_state.setdefault("rep_lon", 113.3)
    st.session_state.setdefault("rep_lat", 40.09)
    with st.form("led_report"):
        title = st.text_input("问题描述（标题）", key="rep_title")
        category = st.selectbox("类别（部件/事件）", categories["code"].tolist(),
                                format_func=lambda c: f"{c} {categories.set_index('code').loc[c, 'name']}",
                                key="rep_category")
        source = st.selectbox("来源", store.SOURCES, key="rep_source")
        point = st.selectbox("关联测评点位（可选）", ["（无）", *points["point_id"].tolist()],
                             format_func=lambda p: p if p == "（无）" else
                             f"{p} {points.set_index('point_id').loc[p, 'point_name']}", key="rep_point")
        lon = st.number_input("经度（WGS84）", format="%.6f", key="rep_lon")
        lat = st.number_input("纬度（WGS84）", format="%.6f", key="rep_lat")
        description = st.text_area("详细说明", key="rep_desc")
        photos = st.file_uploader("照片（可选，JPG/PNG）", type=["jpg", "jpeg", "png"], accept_multiple_files=True,
                                  key="rep_photos")
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
                n_photos = save_photos(cid, photos)
                st.success(f"已上报，案件编号 {cid}；所在网格：{where.get('grid_name') or '不在本区网格内'}"
                           f"{f'；照片 {n_photos} 张' if n_photos else ''}。")
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


def _progress_chart(engine, as_of: datetime) -> None:
    events = store.read_events(engine)
    if events.empty:
        return
    progress = kpi.daily_progress(events, start=events["at"].min().to_pydatetime(), end=as_of)
    st.markdown("**进度：累计派遣与结案（件）**")
    st.line_chart(progress.rename(columns={"dispatched": "累计派遣", "closed": "累计结案"}).set_index("date"),
                  height=260)


def _photos_dir(case_id: int):
    return citydata.PROJECT_ROOT / "data" / "ledger_photos" / str(int(case_id))


def save_photos(case_id: int, uploads) -> int:
    """Photos are stored under a content-hash name; the user's file name never becomes a path."""
    folder = _photos_dir(case_id)
    saved = 0
    for upload in uploads or []:
        data = upload.getvalue()
        suffix = ".png" if data[:8] == b"\x89PNG\r\n\x1a\n" else ".jpg" if data[:3] == b"\xff\xd8\xff" else None
        if suffix is None or len(data) > 10 * 2**20:
            st.warning(f"照片 “{upload.name}” 不是 10 MB 以内的 JPG/PNG，已忽略。")
            continue
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{hashlib.sha256(data).hexdigest()[:16]}{suffix}").write_bytes(data)
        saved += 1
    return saved


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    city, meta = load_city()
    as_of = datetime.fromisoformat(meta.get("as_of", datetime.now().date().isoformat()))
    engine = ledger_engine(as_of)
    st.markdown(header_html("问题台账：交办 → 整改 → 核查 → 销号",
                            "示范数据（程序生成）" if meta.get("generated") == "true" else "", meta.get("as_of", "")),
                unsafe_allow_html=True)
    actor = sign_in_form(engine)
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
        _progress_chart(engine, as_of)
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
        with st.expander("管理员：新增部件/事件类别"):
            with st.form("new_category"):
                code = st.text_input("编码（4 位数字）", key="nc_code", max_chars=4)
                name = st.text_input("名称", key="nc_name")
                kind = st.radio("类型", ["部件", "事件"], horizontal=True, key="nc_kind")
                if st.form_submit_button("新增"):
                    if not (code.isdigit() and len(code) == 4 and name.strip()):
                        st.error("编码应为 4 位数字，名称不能为空。")
                    else:
                        try:
                            with engine.begin() as conn:
                                conn.execute(sa.text("INSERT INTO categories (code, name, kind) VALUES (:c, :n, :k)"),
                                             {"c": code, "n": name.strip(), "k": kind})
                            st.success(f"已新增类别 {code} {name}。")
                        except sa.exc.IntegrityError:
                            st.error(f"编码 {code} 已存在。")
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
