"""审计日志: the 审计管理员 reads and exports the audit log and the ledger's workflow moves.

Nothing here changes a record: the log is append-only in the database itself (migration 3), and
lines younger than the retention period (180 days) cannot be removed by anyone. Exports are
spreadsheet-safe (formula cells written as text) and are themselves logged.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from chuangcheng.geo.workflow import AUDITOR, MOVES
from chuangcheng.store import audit
from chuangcheng.store.errors import StoreError
from chuangcheng.ui.auth_gate import sign_in_form, sign_out_button
from chuangcheng.ui.data import engine as store_engine
from chuangcheng.ui.settings import client_address
from chuangcheng.ui.uploads import to_csv_bytes, to_xlsx_bytes
from chuangcheng.ui.widgets import PAGE_CSS, flash, header_html, md_text, show_flashes

SHOWN_ROWS = 5000
ALL = "（全部）"


def _detail_text(detail: str) -> str:
    try:
        values = json.loads(detail or "{}")
    except ValueError:
        return str(detail)
    if not isinstance(values, dict):
        return str(values)
    return "；".join(f"{audit.DETAIL_TITLES.get(k, k)}：{v}" for k, v in values.items())


def _audit_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "编号": frame["id"],
            "时间": frame["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "操作人": frame["actor"],
            "来源地址": frame["address"].fillna(""),
            "操作": frame["action"].map(lambda a: audit.ACTION_TITLES.get(a, a)),
            "对象": frame["target"],
            "详情": frame["detail"].map(_detail_text),
        }
    )


def _moves_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "编号": frame["id"],
            "时间": frame["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "操作人": frame["actor"],
            "来源地址": frame["address"].fillna(""),
            "案件": frame["case_id"],
            "操作": frame["action"].map(lambda a: MOVES[a].title_zh if a in MOVES else "上报"),
            "原状态": frame["from_state"],
            "新状态": frame["to_state"],
            "说明": frame["note"],
        }
    )


def _record_export(engine, actor, what: str, rows: int) -> None:
    audit.record_event(
        engine,
        actor=actor.username,
        action="audit_export",
        target=what,
        address=client_address(),
        detail={"rows": rows},
    )


def _exports(engine, actor, table: pd.DataFrame, stem: str, key: str) -> None:
    left, right = st.columns(2)
    for col, label, data, suffix in (
        (left, "导出 Excel", to_xlsx_bytes, "xlsx"),
        (right, "导出 CSV", to_csv_bytes, "csv"),
    ):
        col.download_button(
            label,
            data(table),
            file_name=f"{stem}.{suffix}",
            key=f"{key}_{suffix}",
            on_click=_record_export,
            args=(engine, actor, f"{stem}.{suffix}", len(table)),
        )


# long: the page's filters, table and export in reading order
def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    engine = store_engine()
    st.markdown(
        header_html("审计日志", f"登录、账号、导入、导出、设置与台账操作；保留不少于 {audit.RETENTION_DAYS} 天", ""),
        unsafe_allow_html=True,
    )
    actor = sign_in_form(engine)
    if actor is None:
        return
    sign_out_button(actor, key="audit_sign_out")
    if actor.role != AUDITOR:
        st.info(f"{md_text(actor.role)}账号不能查看审计日志（三权分立：仅审计管理员）。")
        return
    show_flashes()
    today = date.today()
    left, mid, right = st.columns([2, 2, 2])
    period = left.date_input("时段", value=(today - timedelta(days=7), today), key="aud_period", format="YYYY-MM-DD")
    start, end = (period[0], period[-1]) if isinstance(period, tuple) and period else (today, today)
    since, until = datetime.combine(start, time.min), datetime.combine(end + timedelta(days=1), time.min)
    who = mid.text_input("操作人（用户名，留空为全部）", key="aud_who", max_chars=64).strip() or None
    titles = {ALL: ALL, **audit.ACTION_TITLES}
    action = right.selectbox("操作", list(titles), format_func=titles.__getitem__, key="aud_action")
    tabs = st.tabs(["审计日志", "台账流转记录", "保留与清理"])
    with tabs[0]:
        found = audit.read_audit(
            engine, actor, since=since, until=until, who=who, action=None if action == ALL else action
        )
        failures = int(found["action"].isin(["sign_in_failed", "sign_in_locked"]).sum())
        st.caption(
            f"共 {len(found):,} 条（登录失败或被锁定 {failures:,} 条）"
            + (f"，下表显示最新 {SHOWN_ROWS:,} 条，导出包含全部" if len(found) > SHOWN_ROWS else "")
        )
        table = _audit_table(found)
        st.dataframe(table.iloc[::-1].head(SHOWN_ROWS), hide_index=True, width="stretch", height=480)
        _exports(engine, actor, table, f"审计日志_{start:%Y%m%d}-{end:%Y%m%d}", "aud_log")
    with tabs[1]:
        moves = _moves_table(audit.read_ledger_moves(engine, actor, since=since, until=until, who=who))
        st.caption(f"共 {len(moves):,} 条")
        st.dataframe(moves.iloc[::-1].head(SHOWN_ROWS), hide_index=True, width="stretch", height=480)
        _exports(engine, actor, moves, f"台账流转记录_{start:%Y%m%d}-{end:%Y%m%d}", "aud_moves")
    with tabs[2]:
        oldest = datetime.now() - timedelta(days=audit.RETENTION_DAYS)
        st.caption(
            f"审计日志至少保留 {audit.RETENTION_DAYS} 天；数据库拒绝修改任何记录、拒绝删除 "
            f"{oldest:%Y-%m-%d} 之后的记录。清理前请先导出归档。"
        )
        with st.form("aud_purge"):
            cutoff = st.date_input(
                "清理此日期之前的记录",
                value=oldest.date(),
                max_value=oldest.date(),
                key="aud_cutoff",
                format="YYYY-MM-DD",
            )
            if st.form_submit_button("清理"):
                try:
                    n = audit.purge_before(engine, actor, datetime.combine(cutoff, time.min), address=client_address())
                    flash("success", f"已清理 {n:,} 条 {cutoff:%Y-%m-%d} 之前的审计记录。")
                except (StoreError, ValueError) as exc:
                    flash("error", str(exc))
                st.rerun()


render()
