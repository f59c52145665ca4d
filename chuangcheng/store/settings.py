"""System settings a 系统管理员 changes on the 账号与权限 page, kept in the store (``meta``,
keys ``setting.<name>``) so every server of the city applies the same ones at once.

A setting stored here overrides the deployment's file or environment value
(``ui.settings``), which overrides the default. Each setting declares its bounds: the password
and session policy cannot be set below GB/T 22239-2019 (等保 2.0 第三级) — the bounds *are*
the standard — and every change is audited with its old and new value.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from chuangcheng.geo.workflow import Actor
from chuangcheng.store import audit, changes
from chuangcheng.store.db import writing
from chuangcheng.store.errors import RecordError, require

PREFIX = "setting."


@dataclass(frozen=True)
class Setting:
    name: str
    title_zh: str
    kind: type  # int, float or bool
    low: float | None = None
    high: float | None = None
    why: str = ""  # where the bound comes from


SETTINGS: tuple[Setting, ...] = (
    Setting("min_length", "密码最短长度（字符）", int, 8, 64, "等保 2.0：口令长度不少于 8 位"),
    Setting("min_classes", "密码至少包含的字符类别数", int, 3, 4, "等保 2.0：大写、小写、数字、符号至少三类"),
    Setting("max_age_days", "密码有效期（天，0 为不过期）", int, 0, 180, "等保 2.0：定期更换；默认 90 天"),
    Setting("lockout_failures", "连续失败几次锁定", int, 3, 10, "等保 2.0：登录失败处理；默认 5 次"),
    Setting("lockout_minutes", "锁定时长（分钟）", float, 15, 1440, "等保 2.0：锁定不少于 15 分钟"),
    Setting("address_failures", "同一来源地址失败几次暂停登录", int, 5, 200, "防止从一个地址轮换用户名猜测密码"),
    Setting("idle_minutes", "无操作自动退出（分钟）", float, 1, 30, "等保 2.0：登录连接超时自动退出；默认 15 分钟"),
    Setting("wall_without_sign_in", "大屏无需登录即可查看", bool, None, None, "大屏只显示汇总数字与地图，不含个人信息"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def _parse(setting: Setting, value) -> int | float | bool:
    if setting.kind is bool:
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on", "是")
        return bool(value)
    try:
        number = setting.kind(value)
    except (TypeError, ValueError) as exc:
        raise RecordError(f"“{setting.title_zh}”应为数字。") from exc
    if (setting.low is not None and number < setting.low) or (setting.high is not None and number > setting.high):
        raise RecordError(f"“{setting.title_zh}”应在 {setting.low:g} 到 {setting.high:g} 之间（{setting.why}）。")
    return number


def read_settings(engine_or_conn) -> dict[str, int | float | bool]:
    """The settings stored (only those a 系统管理员 has set), parsed; a value out of bounds
    (written by hand into the database) is ignored."""
    query = sa.text("SELECT key, value FROM meta WHERE key LIKE :p")
    if isinstance(engine_or_conn, sa.Engine):
        with engine_or_conn.connect() as conn:
            rows = conn.execute(query, {"p": PREFIX + "%"}).all()
    else:
        rows = engine_or_conn.execute(query, {"p": PREFIX + "%"}).all()
    found = {}
    for key, value in rows:
        setting = BY_NAME.get(key[len(PREFIX) :])
        if setting is None:
            continue
        try:
            found[setting.name] = _parse(setting, value)
        except RecordError:
            continue
    return found


def change_setting(engine: sa.Engine, actor: Actor, name: str, value, *, address: str | None = None) -> None:
    """Set one setting (系统管理员), checked against its bounds and audited (old → new)."""
    require(actor, "settings.change")
    setting = BY_NAME.get(name)
    if setting is None:
        raise RecordError(f"没有设置项 “{name}”。")
    parsed = _parse(setting, value)
    with writing(engine) as conn:
        before = read_settings(conn).get(name)
        conn.execute(sa.text("DELETE FROM meta WHERE key = :k"), {"k": PREFIX + name})
        conn.execute(sa.text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": PREFIX + name, "v": str(parsed)})
        audit.record(
            conn,
            actor=actor.username,
            action="setting_change",
            target=name,
            address=address,
            detail={"from": before, "to": parsed},
        )
        changes.bump(conn, "settings")
