"""Download buttons that leave an audit line: who exported what, how many rows, from where.

Every export of the dashboard goes through :func:`download`. It is offered to the roles that
may export (``geo.permissions``, ``data.export``) and, on a dashboard that runs open, to visitors;
the click is logged before the browser saves the file (the file's cells are already made safe
for spreadsheets by ``ingest.export``).
"""

from __future__ import annotations

import re

from chuangcheng.geo.permissions import allowed
from chuangcheng.store import audit
from chuangcheng.ui.auth_gate import signed_in
from chuangcheng.ui.settings import client_address, sign_in_needed

VISITOR = "（未登录）"


def _record(username: str, what: str, file_name: str, rows: int | None) -> None:
    from chuangcheng.ui.data import engine

    audit.record_event(
        engine(),
        actor=username,
        action="export",
        target=what,
        address=client_address(),
        detail={"file": file_name, "rows": rows},
    )


def may_export() -> bool:
    actor = signed_in()
    return allowed(actor.role, "data.export") if actor is not None else not sign_in_needed()


def safe_file_name(name: str, limit: int = 120) -> str:
    """A file name a user typed part of, without path separators, control or reserved characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]+', "_", str(name)).strip(" .")
    return cleaned[:limit] or "导出"


def download(
    container,
    label: str,
    data,
    *,
    file_name: str,
    what: str,
    key: str,
    rows: int | None = None,
    mime: str | None = None,
) -> None:
    """A download button (in ``container``: ``st`` or a column) whose click is audited; a short
    note instead when the signed-in role may not export."""
    if not may_export():
        container.caption("导出需要领导、督查受理、责任单位或系统管理员账号。")
        return
    actor = signed_in()
    file_name = safe_file_name(file_name)
    container.download_button(
        label,
        data,
        file_name=file_name,
        mime=mime,
        key=key,
        on_click=_record,
        args=(actor.username if actor else VISITOR, what, file_name, rows),
    )
