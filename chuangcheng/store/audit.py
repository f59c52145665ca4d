"""The audit trail (GB/T 22239-2019 §8.1.4.3 安全审计): who did what, when, from which address.

Rows are only ever inserted, in the same transaction as the change they describe, so a change
and its log line are committed together or not at all; the database itself refuses to update a
row or to delete one younger than the retention period (``RETENTION_DAYS``, triggers added by
migration 3). Ledger moves are kept in the ledger's own ``events`` table (with the same
who/when/what) and read beside this log. Only the 审计管理员 reads either.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa

from chuangcheng.geo.workflow import Actor
from chuangcheng.store.errors import require

RETENTION_DAYS = 180  # 等保 2.0 / 网络安全法 第二十一条: logs kept for at least six months

# What each action is, for the 审计管理员's page and exports.
ACTION_TITLES = {
    "sign_in": "登录成功",
    "sign_in_failed": "登录失败",
    "sign_in_locked": "登录被锁定拒绝",
    "sign_out": "退出登录",
    "sign_out_everywhere": "强制下线",
    "password_change": "修改密码",
    "password_change_failed": "修改密码失败",
    "password_reset": "重置密码",
    "user_create": "创建账号",
    "role_change": "变更角色",
    "user_disable": "停用账号",
    "user_enable": "启用账号",
    "user_unlock": "解除锁定",
    "setup_administrators": "初始化三员账号",
    "setup_failed": "初始化失败",
    "unit_add": "登记责任单位",
    "category_add": "新增类别",
    "setting_change": "修改系统设置",
    "layer_import": "导入图层",
    "layer_replace": "替换图层",
    "layer_restore": "恢复图层版本",
    "import_rejected": "导入被拒绝",
    "inspection_record": "记录测评",
    "painting_record": "登记施划",
    "ledger_import": "导入问题台账",
    "inspection_import": "导入测评记录",
    "export": "导出数据",
    "audit_export": "导出审计日志",
    "audit_purge": "清理过期审计日志",
    "layer_generate": "生成示范图层",
    "layer_build": "构建图层",
    "session_resume": "恢复登录（同一浏览器）",
}
# What each key of an audit line's detail means, for the 审计管理员 reading it.
DETAIL_TITLES = {
    "version": "版本",
    "source": "来源",
    "added": "新增",
    "updated": "更新",
    "removed": "删除",
    "retired_rows": "退役记录",
    "rows": "行数",
    "bays": "泊位",
    "before": "原值",
    "cases": "案件",
    "created": "创建",
    "date": "日期",
    "deleted": "删除",
    "failures_cleared": "清除失败次数",
    "file": "文件",
    "from": "原",
    "to": "新",
    "inspection": "测评",
    "kind": "类型",
    "name": "名称",
    "reason": "原因",
    "record": "记录",
    "restored": "恢复自",
    "result": "结果",
    "role": "角色",
    "saved": "保存",
    "unit": "单位",
    "wait_s": "等待秒数",
}


def record(
    conn: sa.Connection,
    *,
    actor: str,
    action: str,
    target: str = "",
    detail: dict | None = None,
    address: str | None = None,
    at: datetime | None = None,
) -> None:
    """Append one line to the audit log inside the caller's transaction."""
    conn.execute(
        sa.text(
            "INSERT INTO audit_log (at, actor, address, action, target, detail) "
            "VALUES (:at, :actor, :address, :action, :target, :detail)"
        ),
        {
            "at": at or datetime.now(),
            "actor": str(actor)[:64],
            "address": (address or "")[:64] or None,
            "action": action,
            "target": str(target),
            "detail": json.dumps(detail or {}, ensure_ascii=False, default=str),
        },
    )


def record_event(
    engine: sa.Engine,
    *,
    actor: str,
    action: str,
    target: str = "",
    detail: dict | None = None,
    address: str | None = None,
) -> None:
    """One audit line in its own transaction (for what changes nothing else: an export)."""
    from chuangcheng.store.db import writing

    with writing(engine) as conn:
        record(conn, actor=actor, action=action, target=target, detail=detail, address=address)


def recently(
    conn: sa.Connection, *, actor: str, action: str, address: str | None, within_s: float, now: datetime | None = None
) -> bool:
    """Whether the same actor did ``action`` from ``address`` within ``within_s`` seconds before ``now``."""
    since = (now or datetime.now()) - timedelta(seconds=within_s)
    return (
        conn.execute(
            sa.text(
                "SELECT 1 FROM audit_log WHERE actor = :a AND at >= :since AND action = :act "
                "AND address = :addr LIMIT 1"
            ),
            {"a": str(actor)[:64], "since": since, "act": action, "addr": address},
        ).first()
        is not None
    )


def _read(engine: sa.Engine, query: str, params: dict) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql(sa.text(query), conn, params=params)
    frame["at"] = pd.to_datetime(frame["at"], format="ISO8601")
    return frame


def read_audit(
    engine: sa.Engine,
    actor: Actor | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    who: str | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Audit lines, oldest first (newest ``limit`` when given). With an ``actor`` (a page) the
    read is the 审计管理员's only; without one it is the program's own (tests, command line)."""
    if actor is not None:
        require(actor, "audit.read")
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if since is not None:
        clauses.append("at >= :since")
        params["since"] = since
    if until is not None:
        clauses.append("at < :until")
        params["until"] = until
    if who:
        clauses.append("actor = :who")
        params["who"] = who
    if action:
        clauses.append("action = :action")
        params["action"] = action
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    if limit:
        frame = _read(engine, f"SELECT * FROM audit_log{where} ORDER BY id DESC LIMIT {int(limit)}", params)
        return frame.iloc[::-1].reset_index(drop=True)
    return _read(engine, f"SELECT * FROM audit_log{where} ORDER BY id", params)


def read_ledger_moves(
    engine: sa.Engine,
    actor: Actor,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    who: str | None = None,
) -> pd.DataFrame:
    """The problem ledger's workflow moves (its ``events`` table), for the 审计管理员."""
    require(actor, "audit.read")
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for name, op, value in (("since", ">=", since), ("until", "<", until)):
        if value is not None:
            clauses.append(f"at {op} :{name}")
            params[name] = value
    if who:
        clauses.append("actor = :who")
        params["who"] = who
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return _read(
        engine,
        f"SELECT id, at, actor, address, case_id, action, from_state, to_state, note FROM events{where} ORDER BY id",
        params,
    )


def purge_before(
    engine: sa.Engine, actor: Actor, cutoff: datetime, *, now: datetime | None = None, address: str | None = None
) -> int:
    """Delete audit lines older than ``cutoff`` (审计管理员), never younger than the retention
    period. Returns how many were deleted; the purge itself is logged."""
    from chuangcheng.store.db import writing

    require(actor, "audit.read")
    oldest_allowed = (now or datetime.now()) - timedelta(days=RETENTION_DAYS)
    if cutoff > oldest_allowed:
        raise ValueError(f"审计日志至少保留 {RETENTION_DAYS} 天：只能清理 {oldest_allowed:%Y-%m-%d} 之前的记录。")
    with writing(engine) as conn:
        n = conn.execute(sa.text("DELETE FROM audit_log WHERE at < :c"), {"c": cutoff}).rowcount
        record(
            conn,
            actor=actor.username,
            action="audit_purge",
            address=address,
            detail={"before": cutoff.isoformat(), "deleted": n},
        )
    return n


def append_only_statements(postgres: bool) -> list[str]:
    """Triggers that make the database refuse any UPDATE of the audit log and any DELETE of a
    line younger than the retention period, whoever asks (migration 3)."""
    message = f"审计日志只能追加：不能修改，{RETENTION_DAYS} 天内的记录不能删除"
    if postgres:
        return [
            f"""CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'UPDATE' OR OLD.at >= LOCALTIMESTAMP - INTERVAL '{RETENTION_DAYS} days' THEN
                    RAISE EXCEPTION '{message}';
                END IF;
                RETURN OLD;
            END $$""",
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_guard()",
        ]
    return [
        f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        f"WHEN OLD.at >= datetime('now', 'localtime', '-{RETENTION_DAYS} days') "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]
