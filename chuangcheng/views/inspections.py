"""实地测评 and 施划登记: the records the figures are made of, entered in the street or imported.

An inspection records 符合/不符合 for each item of the point's checklist; the point's result on
every page is its latest inspection's. Each failed item can open a 问题台账 case in the same step.
Painting records add the bays painted on a road section on a date; the 施划停车位 figures and
charts are their sums.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
import streamlit as st

from chuangcheng.geo.permissions import ACTIONS, allowed
from chuangcheng.geo.workflow import UNIT
from chuangcheng.ingest import sandbox
from chuangcheng.ingest.importer import TABLE_SUFFIXES
from chuangcheng.store import inspections, painting
from chuangcheng.store.errors import StoreError
from chuangcheng.ui.auth_gate import sign_in_form, sign_out_button
from chuangcheng.ui.controls import area_control
from chuangcheng.ui.data import engine as store_engine
from chuangcheng.ui.data import live_refresh, load_city
from chuangcheng.ui.settings import client_address, store_url
from chuangcheng.ui.uploads import UPLOAD_HELP, saved_upload
from chuangcheng.ui.widgets import PAGE_CSS, flash, header_html, md_text, show_flashes

RESULT = {True: "符合", False: "不符合"}


def _areas(points: pd.DataFrame) -> dict[str, dict]:
    cols = ("district_code", "street_code", "community_code", "grid_code")
    return {
        pid: {c: (None if pd.isna(row[c]) else row[c]) for c in cols}
        for pid, row in points.set_index("point_id")[list(cols)].iterrows()
    }


# long: the inspection form top to bottom as the inspector fills it
def _record_tab(engine, actor, city) -> None:
    if not allowed(actor.role, "inspection.record"):
        st.info(f"记录实地测评需要{'、'.join(ACTIONS['inspection.record'][1])}账号。")
        return
    area = area_control(city, st, prefix="insp", levels=2)
    points = city["inspection_points"]
    for column, code in area.codes().items():
        points = points[points[column] == code]
    if points.empty:
        st.info("所选区域没有测评点位。")
        return
    labels = {
        pid: f"{pid} {name}（{ptype}）"
        for pid, name, ptype in zip(points["point_id"], points["point_name"], points["point_type"])
    }
    point_id = st.selectbox(
        "测评点位（可输入名称或编号搜索）", list(labels), format_func=labels.__getitem__, key="insp_point"
    )
    point = points[points["point_id"] == point_id].iloc[0]
    st.markdown(
        f"**{md_text(point['point_name'])}** · {md_text(point['point_type'])} · 责任单位 "
        f"{md_text(point['responsible_unit'] or '—')} · 最近结果 **{point['latest_result']}**"
        f"（{point['latest_check_date'] or '未测评'}）· 未整改问题 {int(point['open_problems'])} 件"
    )
    checklist = inspections.read_checklist(engine, point["point_type"])
    if checklist.empty:
        st.warning(f"点位类型“{md_text(point['point_type'])}”没有测评项目表。")
        return
    with st.form(f"insp_form_{point_id}", clear_on_submit=True):
        left, right = st.columns(2)
        day = left.date_input(
            "测评日期", value=date.today(), max_value=date.today(), key="insp_day", format="YYYY-MM-DD"
        )
        clock = right.time_input("时间", value=datetime.now().time().replace(second=0, microsecond=0), key="insp_time")
        results = {}
        for item in checklist.itertuples(index=False):
            st.markdown(
                f"**{item.item_code}** {md_text(item.item_text)}"
                + ("" if item.status == "secondary" else "（示意项目，请按本市操作手册核对）")
            )
            a, b, c = st.columns([2, 3, 2])
            passed = a.radio(
                "结果",
                [True, False],
                format_func=RESULT.get,
                horizontal=True,
                key=f"insp_{item.item_code}",
                label_visibility="collapsed",
            )
            note = b.text_input(
                "说明",
                key=f"insp_note_{item.item_code}",
                label_visibility="collapsed",
                placeholder="不符合时说明情况",
                max_chars=500,
            )
            open_case = c.checkbox("不符合时上报问题台账", value=True, key=f"insp_case_{item.item_code}")
            results[item.item_code] = inspections.ItemResult(item.item_code, passed, note, open_case)
        notes = st.text_area("总体说明", key="insp_notes", max_chars=2000)
        photos = st.file_uploader(
            "现场照片（JPG/PNG，手机上可直接拍照）",
            type=["jpg", "jpeg", "png"],
            accept_multiple_files=True,
            key="insp_photos",
            help=UPLOAD_HELP,
        )
        submitted = st.form_submit_button("保存测评", type="primary", use_container_width=True)
    if not submitted:
        return
    try:
        saved = inspections.record_inspection(
            engine,
            actor,
            address=client_address(),
            point_id=point_id,
            inspected_at=datetime.combine(day, clock or time(9, 0)),
            items=list(results.values()),
            notes=notes,
            source="实地测评页面",
            area=_areas(points).get(point_id),
            photo_files=[(f.name, f.getvalue()) for f in photos or []],
        )
        cases = (
            f"，上报问题 {len(saved.case_ids)} 件（案件 {'、'.join(map(str, saved.case_ids))}）"
            if saved.case_ids
            else ""
        )
        flash("success", f"已保存测评记录 {saved.inspection_id}：{saved.result}{cases}。")
    except StoreError as exc:
        flash("error", str(exc))
    st.rerun()


def _history_tab(engine, city) -> None:
    found, items = inspections.read_inspections(engine)
    if found.empty:
        st.info("还没有测评记录。")
        return
    names = dict(zip(city["inspection_points"]["point_id"], city["inspection_points"]["point_name"]))
    failed = items[~items["passed"]].groupby("inspection_id")["item_code"].agg("、".join)
    table = found.sort_values("inspected_at", ascending=False).assign(
        point_name=lambda f: f["point_id"].map(names), failed=lambda f: f["id"].map(failed).fillna("")
    )
    st.dataframe(
        table[["id", "inspected_at", "point_id", "point_name", "result", "failed", "inspector", "source"]].rename(
            columns={
                "id": "记录",
                "inspected_at": "测评时间",
                "point_id": "点位编号",
                "point_name": "点位",
                "result": "结果",
                "failed": "不符合项目",
                "inspector": "测评人",
                "source": "来源",
            }
        ),
        hide_index=True,
        width="stretch",
        height=420,
    )


def _import_tab(engine, actor, city) -> None:
    if not allowed(actor.role, "inspection.import"):
        st.info(f"导入测评记录需要{'、'.join(ACTIONS['inspection.import'][1])}账号。")
        return
    st.caption(
        "每行一个测评项目：点位编号、测评时间、项目编码、结果（符合/不符合），可选测评人、说明、"
        "是否上报问题。同一点位同一时间的行为一次测评。"
    )
    upload = st.file_uploader(
        "测评记录表（Excel 或 CSV）",
        type=[s.lstrip(".") for s in TABLE_SUFFIXES],
        key="insp_import_file",
        help=UPLOAD_HELP,
    )
    if upload is None or not st.button("导入测评记录", key="insp_import"):
        return
    try:
        result = sandbox.import_inspections(
            saved_upload(upload, TABLE_SUFFIXES),
            store_url=store_url(),
            actor=actor,
            address=client_address(),
            display_name=upload.name,
            now=datetime.now(),
            areas=_areas(city["inspection_points"]),
        )
        flash(
            "success",
            f"{upload.name}：导入测评 {result['saved']} 次，上报问题 {result['cases']} 件，"
            f"拒绝 {result['rejected']} 行，跳过 {len(result['skipped'])} 行。",
            result["rejected_rows"].rename(columns={"file": "文件", "row": "行号", "reason": "原因"}),
        )
    except (StoreError, ValueError) as exc:
        flash("error", str(exc))
    st.rerun()


def _painting_tab(engine, actor, city) -> None:
    if not allowed(actor.role, "painting.record"):
        st.info(f"登记施划进度需要{'、'.join(ACTIONS['painting.record'][1])}账号。")
        return
    sections = city["parking_sections"]
    if actor.role == UNIT:
        sections = sections[sections["responsible_unit"] == actor.unit]
    if sections.empty:
        st.info("没有可登记的施划路段。")
        return
    labels = {
        sid: f"{sid} {road}（已施划 {int(p)} / 规划 {int(q)}）"
        for sid, road, p, q in zip(
            sections["section_id"], sections["road_name"], sections["painted_bays"], sections["planned_bays"]
        )
    }
    with st.form("paint_form", clear_on_submit=True):
        section_id = st.selectbox("施划路段", list(labels), format_func=labels.__getitem__, key="paint_section")
        left, right = st.columns(2)
        day = left.date_input(
            "施划日期", value=date.today(), max_value=date.today(), key="paint_day", format="YYYY-MM-DD"
        )
        bays = right.number_input(
            "本次施划泊位数（更正可填负数）", min_value=-2000, max_value=2000, value=10, step=1, key="paint_bays"
        )
        note = st.text_input("说明", key="paint_note", max_chars=200)
        submitted = st.form_submit_button("登记", type="primary", use_container_width=True)
    if submitted:
        try:
            record = painting.record_painting(
                engine,
                actor,
                address=client_address(),
                section_id=section_id,
                painted_on=day,
                bays=int(bays),
                note=note,
                source="施划登记页面",
            )
            flash("success", f"已登记施划记录 {record}：{section_id} {int(bays):+d} 个。")
        except StoreError as exc:
            flash("error", str(exc))
        st.rerun()
    records = painting.read_paint_records(engine)
    mine = records[records["section_id"].isin(sections["section_id"])].sort_values("id", ascending=False).head(200)
    st.dataframe(
        mine.rename(
            columns={
                "id": "记录",
                "section_id": "路段编号",
                "painted_on": "施划日期",
                "bays": "泊位数",
                "recorded_by": "登记人",
                "note": "说明",
                "source": "来源",
            }
        ),
        hide_index=True,
        width="stretch",
    )


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    engine = store_engine()
    state = load_city()
    st.markdown(
        header_html(
            "实地测评与施划登记",
            "示范数据（程序生成）" if state.generated else "",
            state.as_of.strftime("%Y-%m-%d %H:%M"),
        ),
        unsafe_allow_html=True,
    )
    actor = sign_in_form(engine)
    if actor is None:
        return
    sign_out_button(actor, key="insp_sign_out")
    show_flashes()
    city = state.frames
    sections = [
        ("测评录入", "inspection.record", lambda: _record_tab(engine, actor, city)),
        ("测评记录", None, lambda: _history_tab(engine, city)),
        ("导入测评表", "inspection.import", lambda: _import_tab(engine, actor, city)),
        ("施划登记", "painting.record", lambda: _painting_tab(engine, actor, city)),
    ]
    offered = [(name, draw) for name, action, draw in sections if action is None or allowed(actor.role, action)]
    for tab, (_, draw) in zip(st.tabs([name for name, _ in offered]), offered):
        with tab:
            draw()
    live_refresh()


render()
