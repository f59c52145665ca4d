"""The server's upload guard (``server.py``) with Streamlit's own in-memory upload manager: who
may upload at all, what one session may hold (older files dropped for a newer one), and the
budget for the whole server."""

from types import SimpleNamespace

import pytest
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

import server
from chuangcheng.geo.workflow import ADMIN, AUDITOR, INSPECTOR, LEADER, UNIT
from chuangcheng.ui import auth_gate, settings

MB = 2**20


@pytest.fixture
def manager(monkeypatch):
    mgr = MemoryUploadedFileManager("/_stcore/upload_file")
    runtime = SimpleNamespace(uploaded_file_mgr=mgr)
    monkeypatch.setattr("streamlit.runtime.Runtime.instance", classmethod(lambda cls: runtime))
    monkeypatch.setattr(auth_gate, "SIGNED_IN", {})
    monkeypatch.setattr(server, "SIGNED_IN", auth_gate.SIGNED_IN)
    monkeypatch.setattr(settings, "sign_in_needed", lambda: True)
    return mgr


def _put(session: str, size: int, file_id: str = "new"):
    scope = {
        "type": "http",
        "method": "PUT",
        "path": f"/_stcore/upload_file/{session}/{file_id}",
        "headers": [(b"content-length", str(size).encode())],
    }
    return server._upload_refusal(scope)


def _hold(mgr, session: str, file_id: str, size: int) -> None:
    mgr.add_file(session, UploadedFileRec(file_id, f"{file_id}.csv", "text/csv", b"\0" * size))


@pytest.mark.parametrize(
    "role, allowed", [(None, False), (LEADER, False), (AUDITOR, False), (INSPECTOR, True), (UNIT, False), (ADMIN, True)]
)
def test_only_sessions_signed_in_with_a_role_that_uploads_may_upload(manager, role, allowed):
    if role is not None:
        auth_gate.SIGNED_IN["s1"] = role
    refusal = _put("s1", MB)
    assert (refusal is None) == allowed
    if not allowed:
        assert refusal[0] == 403 and "登录" in refusal[1]


def test_an_open_demonstration_lets_any_session_upload(manager, monkeypatch):
    monkeypatch.setattr(settings, "sign_in_needed", lambda: False)
    assert _put("anyone", MB) is None


def test_a_session_holds_at_most_the_upload_limit_dropping_its_oldest_files(manager):
    auth_gate.SIGNED_IN["s1"] = INSPECTOR
    _hold(manager, "s1", "old", 120 * MB)
    _hold(manager, "s1", "newer", 50 * MB)
    _hold(manager, "s2", "other", 150 * MB)  # another session is not touched
    assert _put("s1", 100 * MB) is None
    assert set(manager.file_storage["s1"]) == {"newer"}
    assert set(manager.file_storage["s2"]) == {"other"}


def test_the_whole_server_has_a_budget(manager, monkeypatch):
    monkeypatch.setenv("CHUANGCHENG_UPLOAD_BUDGET_MB", "300")
    for i in range(3):
        auth_gate.SIGNED_IN[f"s{i}"] = INSPECTOR
        _hold(manager, f"s{i}", "f", 90 * MB)
    assert _put("s0", 20 * MB) is None  # 270 + 20 within 300 MB
    status, message = _put("s1", 40 * MB)  # 270 + 40: over, though s1 itself is within its limit
    assert status == 503 and "上限" in message
    assert set(manager.file_storage["s1"]) == {"f"}  # nothing of the others was dropped for it
