"""创城作战图 — the web server: ``streamlit run server.py`` (``scripts/run.sh`` does it).

The app is ``dashboard.py``; this file wraps Streamlit's own server (Starlette) with what a
government network needs and Streamlit does not do by itself:

- ``/_stcore/metrics`` (per-session memory and cache figures) answers 404;
- every response carries security headers, including a Content-Security-Policy that lets the
  browser load nothing from any host but this one (and the two online basemaps' tile hosts, which
  a user can choose);
- an upload is accepted only from a session that may upload (signed in with a role that imports
  or reports, when the dashboard needs sign-in), never beyond ``server.maxUploadSize`` held per
  session (older files of the session are dropped first) nor beyond a budget for the whole server;
- a client's "clear cache" message, which would empty every user's caches, is ignored;
- ``/_cc/session`` keeps a signed-in browser's token in an HttpOnly, SameSite=Strict cookie (set
  only from this site's own pages), so a reload or a second tab stays signed in
  (``store/web_sessions.py``);
- on the first start of a store with no accounts, a one-time setup code for the three
  administrators is printed and written to ``data/user/first-admin-code.txt``.
"""

from __future__ import annotations

import logging
import os
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from chuangcheng.geo.permissions import may_upload
from chuangcheng.ui.auth_gate import SIGNED_IN

ROOT = Path(__file__).resolve().parent
LOG = logging.getLogger("chuangcheng.server")
METRICS = "/_stcore/metrics"
UPLOAD = "/_stcore/upload_file/"
SESSION_COOKIE_PATH = "/_cc/session"  # POST a token: the browser keeps it (HttpOnly); DELETE: forgets it
# Everything the pages load comes from this server; tiles of the two optional online basemaps
# (天地图, 高德) are the only images from elsewhere, and only when a user picks them.
TILE_HOSTS = "https://*.tianditu.gov.cn https://*.is.autonavi.com"
CSP = (
    "default-src 'self'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:; "  # Streamlit and Vega need inline and eval
    "style-src 'self' 'unsafe-inline'; "
    f"img-src 'self' data: blob: {TILE_HOSTS}; "
    "font-src 'self' data:; "
    "connect-src 'self' ws: wss:; "
    "frame-src 'self' blob: data:; "
    "worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", CSP.encode()),
    (b"permissions-policy", b"camera=(self), geolocation=(self), microphone=()"),
]


def upload_budget_bytes() -> int:
    """What all sessions together may hold in uploads: a quarter of the machine's memory, at
    most 4 GiB (``CHUANGCHENG_UPLOAD_BUDGET_MB`` overrides)."""
    configured = os.environ.get("CHUANGCHENG_UPLOAD_BUDGET_MB")
    if configured:
        return int(configured) * 2**20
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return min(total // 4, 4 * 2**30)


async def _refuse(send, status: int, message: str) -> None:
    body = message.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _upload_refusal(scope) -> tuple[int, str] | None:
    """Why an upload request must be refused (status, message), or None to let it through."""
    from streamlit.runtime import Runtime

    from chuangcheng.ui.settings import sign_in_needed

    parts = scope["path"].split(UPLOAD, 1)[1].split("/")
    session_id = parts[0]
    if sign_in_needed() and not may_upload(SIGNED_IN.get(session_id)):
        return 403, "上传文件需要先以有导入或上报权限的账号登录。"
    headers = dict(scope.get("headers") or [])
    try:
        incoming = int(headers.get(b"content-length", b"0"))
    except ValueError:
        return 400, "Content-Length 无效。"
    manager = Runtime.instance().uploaded_file_mgr
    storage = getattr(manager, "file_storage", None)
    if storage is None:  # another upload manager: Streamlit's own limit is all we have
        return None
    per_session = st.get_option("server.maxUploadSize") * 2**20
    held = storage.get(session_id, {})
    # The newest upload is the one the user works on: drop this session's older ones to make room.
    for file_id in list(held):  # oldest first (insertion order)
        if sum(len(r.data) for r in held.values()) + incoming <= per_session:
            break
        manager.remove_file(session_id, file_id)
    total = sum(len(r.data) for files in list(storage.values()) for r in list(files.values()))
    if total + incoming > upload_budget_bytes():
        return 503, "服务器暂存的上传文件已达上限，请稍后再试。"
    return None


def _same_origin(scope) -> bool:
    headers = dict(scope.get("headers") or [])
    origin = headers.get(b"origin", b"").decode("latin-1")
    host = headers.get(b"host", b"").decode("latin-1")
    return bool(origin and host) and origin.split("://", 1)[-1] == host


async def _session_cookie(scope, receive, send) -> None:
    """Set (POST, body = the token the page was handed after signing in) or clear (DELETE) the
    sign-in cookie. Only from this site's own pages: a cross-site request is refused."""
    from chuangcheng.store.web_sessions import COOKIE

    if not _same_origin(scope):
        await _refuse(send, 403, "Forbidden")
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > 256:
            await _refuse(send, 413, "Too Large")
            return
        if not message.get("more_body"):
            break
    token = body.decode("ascii", "replace").strip()
    if scope["method"] == "POST" and not (token and all(c.isalnum() or c in "-_" for c in token)):
        await _refuse(send, 400, "Bad Request")
        return
    headers = dict(scope.get("headers") or [])
    secure = scope.get("scheme") == "https" or headers.get(b"x-forwarded-proto", b"") == b"https"
    base = scope["path"].rsplit(SESSION_COOKIE_PATH, 1)[0] or "/"
    value = token if scope["method"] == "POST" else ""
    cookie = (
        f"{COOKIE}={value}; Path={base}; HttpOnly; SameSite=Strict"
        + ("; Secure" if secure else "")
        + ("" if value else "; Max-Age=0")
    )
    await send(
        {
            "type": "http.response.start",
            "status": 204,
            "headers": [(b"set-cookie", cookie.encode("ascii")), (b"cache-control", b"no-store"), *HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": b""})


class Guard:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path.rstrip("/").endswith(METRICS):
            await _refuse(send, 404, "Not Found")
            return
        if path.endswith(SESSION_COOKIE_PATH) and scope["method"] in ("POST", "DELETE"):
            await _session_cookie(scope, receive, send)
            return
        if UPLOAD in path and scope["method"] == "PUT":
            refusal = _upload_refusal(scope)
            if refusal is not None:
                await _refuse(send, *refusal)
                return

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *[(n, v) for n, v in HEADERS if n not in present]],
                }
            await send(message)

        await self.app(scope, receive, with_headers)


def _ignore_clear_cache(self) -> None:
    """Streamlit would clear every user's caches (and this session's state) on a client's word."""
    LOG.warning("已忽略客户端的清空缓存请求（会话 %s）：缓存由服务器按数据版本管理。", getattr(self, "id", "?"))


def _patch_streamlit() -> None:
    from streamlit.runtime.app_session import AppSession

    AppSession._handle_clear_cache_request = _ignore_clear_cache


def first_start_notice() -> None:
    """Print (and keep on disk) the setup code when the store has no accounts yet; warn when a
    generated demonstration store (published passwords) is served beyond this machine."""
    from chuangcheng import store
    from chuangcheng.store import accounts
    from chuangcheng.store.meta import read_meta
    from chuangcheng.ui.settings import demo_mode, listens_beyond_loopback, setup_code_path, store_url

    engine = store.open_store(store_url())
    missing = accounts.missing_administrators(engine)
    code = accounts.issue_setup_code(engine)
    if code is not None:
        path = setup_code_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(code + "\n", encoding="utf-8")
        what = (
            "这是一个没有任何账号的新存储"
            if not accounts.has_accounts(engine)
            else f"存储中还没有{'、'.join(missing)}账号"
        )
        print(
            f"\n创城作战图：{what}。打开网页，用初始化码 {code} 设置{'、'.join(missing)}（三权分立）。"
            f"初始化码也保存在 {path}（仅本机可读），用后即失效。\n",
            file=sys.stderr,
            flush=True,
        )
    if read_meta(engine).get("generated") == "true" and listens_beyond_loopback() and not demo_mode():
        print(
            "\n创城作战图：当前是程序生成的示范存储，示范账号的密码在 README 中公开；"
            "请勿在生产网络上使用。正式使用请配置新的存储（见 README“正式部署”）。\n",
            file=sys.stderr,
            flush=True,
        )


@asynccontextmanager
async def lifespan(_app):
    first_start_notice()
    yield


_patch_streamlit()
app = st.App(str(ROOT / "dashboard.py"), middleware=[Middleware(Guard)], lifespan=lifespan)
