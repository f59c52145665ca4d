"""Who may do what: one table, read by the store (which enforces it on every write) and by the
pages (which offer only what the signed-in role may use).

Workflow moves of the problem ledger have their own finer rules in ``geo.workflow`` (which move
from which state, a 责任单位 only on its own cases).
"""

from __future__ import annotations

from chuangcheng.geo.workflow import ADMIN, AUDITOR, INSPECTOR, LEADER, SECURITY, UNIT, Actor, PermissionDenied

ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    # action: (what it is, in Chinese; roles allowed)
    "case.report": ("上报问题", (INSPECTOR,)),
    "ledger.import": ("导入问题台账", (INSPECTOR,)),
    "inspection.record": ("记录实地测评", (INSPECTOR,)),
    "inspection.import": ("导入测评记录", (INSPECTOR,)),
    "painting.record": ("登记施划进度", (INSPECTOR, UNIT)),
    "layer.import": ("导入图层数据", (INSPECTOR, ADMIN)),
    "layer.restore": ("恢复图层版本", (INSPECTOR, ADMIN)),
    "layer.import_server_file": ("从服务器导入目录导入", (ADMIN,)),
    "data.export": ("导出数据", (LEADER, INSPECTOR, UNIT, ADMIN)),
    "category.add": ("新增部件/事件类别", (ADMIN,)),
    "settings.change": ("修改系统设置", (ADMIN,)),
    "unit.add": ("登记责任单位", (ADMIN,)),
    "account.create": ("创建账号", (ADMIN,)),
    "account.reset_password": ("重置密码", (ADMIN,)),
    "account.disable": ("停用或启用账号", (ADMIN,)),
    "account.set_role": ("分配角色", (SECURITY,)),
    "account.unlock": ("解除锁定", (SECURITY,)),
    "account.sign_out_everywhere": ("强制下线", (SECURITY,)),
    "audit.read": ("查看审计日志", (AUDITOR,)),
}


def allowed(role: str | None, action: str) -> bool:
    return role is not None and role in ACTIONS[action][1]


def require(actor: Actor | None, action: str) -> None:
    """Raise ``PermissionDenied`` (in Chinese, naming the roles that may) unless ``actor`` may."""
    title, roles = ACTIONS[action]
    if actor is None:
        raise PermissionDenied(f"请先登录；{title}需要以下角色之一：{'、'.join(roles)}。")
    if actor.role not in roles:
        raise PermissionDenied(f"{actor.role}账号不能{title}（需要：{'、'.join(roles)}）。")


# What needs a file from the browser: importing, and photos of an inspection or a reported case.
UPLOAD_ACTIONS = ("layer.import", "ledger.import", "inspection.import", "inspection.record", "case.report")


def may_upload(role: str | None) -> bool:
    """Whether a session signed in with ``role`` may send files to the server at all."""
    return any(allowed(role, action) for action in UPLOAD_ACTIONS)
