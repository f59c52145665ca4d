"""Which pages each role is offered: one table, read by the navigation.

The store checks every write whatever a page offers (``geo.permissions``); this only keeps the
navigation honest, so a role never sees a page it may not use. ``OPEN`` pages are also shown to
visitors who have not signed in when the dashboard runs open (demo mode on loopback).
"""

from __future__ import annotations

from dataclasses import dataclass

from chuangcheng.geo.workflow import ADMIN, AUDITOR, INSPECTOR, LEADER, SECURITY, UNIT

OPEN = "（未登录）"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    url_path: str
    roles: tuple[str, ...]


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "chuangcheng/views/battle_map.py", "作战挂图", ":material/map:", "", (OPEN, LEADER, INSPECTOR, UNIT, ADMIN)
    ),
    PageSpec(
        "chuangcheng/views/coverage.py",
        "15分钟生活圈",
        ":material/directions_walk:",
        "coverage",
        (OPEN, LEADER, INSPECTOR, ADMIN),
    ),
    PageSpec(
        "chuangcheng/views/ledger.py", "问题台账", ":material/assignment:", "ledger", (OPEN, LEADER, INSPECTOR, UNIT)
    ),
    PageSpec(
        "chuangcheng/views/inspections.py", "实地测评", ":material/fact_check:", "inspections", (OPEN, INSPECTOR, UNIT)
    ),
    PageSpec(
        "chuangcheng/views/data_import.py", "数据导入", ":material/upload_file:", "import", (OPEN, INSPECTOR, ADMIN)
    ),
    PageSpec(
        "chuangcheng/views/press.py", "宣传导出", ":material/photo_camera:", "press", (OPEN, LEADER, INSPECTOR, ADMIN)
    ),
    PageSpec("chuangcheng/views/wall.py", "大屏", ":material/tv:", "wall", (OPEN, LEADER, INSPECTOR, UNIT, ADMIN)),
    PageSpec(
        "chuangcheng/views/accounts.py", "账号与权限", ":material/manage_accounts:", "accounts", (ADMIN, SECURITY)
    ),
    PageSpec("chuangcheng/views/audit.py", "审计日志", ":material/policy:", "audit", (AUDITOR,)),
    PageSpec(
        "chuangcheng/views/account.py",
        "我的账号",
        ":material/person:",
        "me",
        (LEADER, INSPECTOR, UNIT, ADMIN, SECURITY, AUDITOR),
    ),
)


def pages_for(role: str | None) -> list[PageSpec]:
    """The pages a role (None: not signed in, open dashboard) is offered, in menu order."""
    key = OPEN if role is None else role
    return [page for page in PAGES if key in page.roles]
