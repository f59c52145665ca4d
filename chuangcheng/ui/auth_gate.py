"""Signing in, staying signed in, and signing out.

The session keeps a ``store.accounts.Session`` (who, and the account's session epoch). Each run
checks it against the store — a disabled account, a changed role or a "sign out everywhere" takes
effect at once — and against the idle limit (the pages' own automatic refreshes do not count as
activity). A single-sign-on header is believed only when the request proves it came through the
configured proxy (a shared secret header, or a trusted proxy address). A new store with no
accounts asks for its three administrators and the setup code the server printed.
"""

from __future__ import annotations

import hmac
import time

import streamlit as st

from chuangcheng.geo.workflow import ADMIN_ROLES, Actor
from chuangcheng.store import accounts, auth, web_sessions
from chuangcheng.store.errors import StoreError
from chuangcheng.store.meta import read_meta
from chuangcheng.ui.settings import (
    client_address,
    peer_address,
    security_policy,
    setup_code_path,
    sso_header,
    sso_trust,
)
from chuangcheng.ui.widgets import md_text

SESSION = "session"
ACTIVITY = "_last_activity"
AUTO_RERUN = "_auto_rerun"  # set by ui.data.live_refresh before it reruns the page
NOTICE = "_sign_in_notice"
TOKEN = "_web_token"  # this browser's remembered sign-in (store.web_sessions)
TOKEN_SEEN = "_web_token_seen"  # when its activity was last written
COOKIE_CHANGE = "_web_cookie"  # the cookie change the next run hands to the browser
# Streamlit session id → the role signed in there, for the server's upload guard (server.py).
SIGNED_IN: dict[str, str] = {}


def note_session(session: accounts.Session | None) -> None:
    """Tell the server (``SIGNED_IN``) which role this browser session is signed in with."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    if session is None or session.must_change:
        SIGNED_IN.pop(ctx.session_id, None)
    else:
        SIGNED_IN[ctx.session_id] = session.actor.role
    if len(SIGNED_IN) > 1000:  # forget sessions that have ended
        from streamlit.runtime import Runtime

        runtime = Runtime.instance()
        for session_id in [s for s in SIGNED_IN if not runtime.is_active_session(s)]:
            SIGNED_IN.pop(session_id, None)


def _sso_session(engine) -> accounts.Session | None:
    header = sso_header()
    if not header:
        return None
    username = st.context.headers.get(header)
    if not username:
        return None
    secret_header, secret, proxies = sso_trust()
    proven = bool(secret_header and secret and hmac.compare_digest(st.context.headers.get(secret_header, ""), secret))
    proven = proven or (peer_address() in proxies)
    if not proven:
        st.error("收到单点登录用户标识，但请求不是来自配置的认证代理，已忽略。请通过统一认证入口访问。")
        return None
    session = accounts.find_user(engine, username)
    if session is None:
        st.error(f"单点登录用户 “{md_text(username)}” 没有启用的账号，请联系系统管理员。")
    return session


def _remember(engine, session: accounts.Session) -> None:
    """Let this browser stay signed in across reloads and tabs (an HttpOnly cookie, server.py)."""
    now = time.time()
    token = web_sessions.remember(
        engine, session, now=now, idle_s=security_policy().idle_minutes * 60, address=client_address()
    )
    st.session_state[TOKEN], st.session_state[TOKEN_SEEN] = token, now
    st.session_state[COOKIE_CHANGE] = token


def carry_on_after_password_change(engine, actor: Actor, epoch: int) -> None:
    """The tab that changed the password stays signed in (the change ended every session of
    the account, this one's remembered sign-in too): its session takes the new epoch and this
    browser gets a new remembered sign-in."""
    web_sessions.forget(engine, st.session_state.get(TOKEN))
    st.session_state[SESSION] = accounts.Session(actor, epoch)
    _remember(engine, st.session_state[SESSION])


def _recall(engine) -> accounts.Session | None:
    """A sign-in this browser remembers (a reload, another tab), if it still holds."""
    try:
        token = st.context.cookies.get(web_sessions.COOKIE)
    except Exception:  # no browser request behind this run (AppTest, bare mode)
        return None
    now = time.time()
    session = web_sessions.recall(
        engine, token, now=now, idle_s=security_policy().idle_minutes * 60, address=client_address()
    )
    if session is not None:
        st.session_state[SESSION], st.session_state[ACTIVITY] = session, now
        st.session_state[TOKEN], st.session_state[TOKEN_SEEN] = token, now
    return session


def hand_over_cookie() -> None:
    """Give the browser the cookie change of the last sign-in or sign-out (a zero-height frame
    posts it to this server's ``/_cc/session``; the page's own origin, so the cookie is ours)."""
    import json

    import streamlit.components.v1 as components

    change = st.session_state.pop(COOKIE_CHANGE, None)
    if change is None:
        return
    method = "POST" if change else "DELETE"
    components.html(
        "<script>fetch(new URL('_cc/session', document.baseURI), {method: %s, body: %s, "
        "credentials: 'same-origin', headers: {'Content-Type': 'text/plain'}});</script>"
        % (json.dumps(method), json.dumps(change)),
        height=0,
    )


def sign_out(engine, reason: str = "") -> None:
    session = st.session_state.pop(SESSION, None)
    token = st.session_state.pop(TOKEN, None)
    if token:
        web_sessions.forget(engine, token)
        st.session_state[COOKIE_CHANGE] = ""
    if session is not None:
        accounts.record_sign_out(engine, session.actor, address=client_address(), reason=reason)
    if reason:
        st.session_state[NOTICE] = reason


def current_session(engine, *, touch: bool = False) -> accounts.Session | None:
    """The signed-in session as it stands now, or None (signed out here if it no longer holds).

    ``touch``: this run is the user's own activity (the shell passes it once per run, unless the
    run is a page's automatic refresh), so it restarts the idle clock."""
    session = st.session_state.get(SESSION)
    if session is None:
        return _recall(engine)
    now = time.time()
    idle_s = security_policy().idle_minutes * 60
    token = st.session_state.get(TOKEN)
    seen_s = web_sessions.last_seen(engine, token) if token else None
    if token and seen_s is None:
        st.session_state.pop(TOKEN, None)  # signed out in another tab of this browser
        sign_out(engine, "已在本浏览器的其他标签页退出登录，请重新登录。")
        return None
    # Idle means idle in every tab of this browser: another tab's activity counts.
    last = max(st.session_state.get(ACTIVITY, now), seen_s or 0.0)
    if idle_s and now - last > idle_s:
        sign_out(engine, f"已超过 {security_policy().idle_minutes:.0f} 分钟没有操作，已自动退出，请重新登录。")
        return None
    fresh = accounts.current_session(engine, session)
    if fresh is None:
        sign_out(engine, "账号已被停用、角色已变更或已在别处强制下线，请重新登录。")
        return None
    if touch:
        st.session_state[ACTIVITY] = now
        st.session_state[TOKEN_SEEN] = web_sessions.seen(
            engine, st.session_state.get(TOKEN), now=now, last_written=st.session_state.get(TOKEN_SEEN, 0.0)
        )
    st.session_state[SESSION] = fresh
    return fresh


def signed_in() -> Actor | None:
    """The actor of this session (checked against the store at the start of this run), or None."""
    session = st.session_state.get(SESSION)
    return None if session is None or session.must_change else session.actor


def _first_start(engine, missing: tuple[str, ...]) -> None:
    if len(missing) == len(ADMIN_ROLES):
        st.markdown("#### 初始化：设置三位管理员（三权分立）")
        why = "这是一个新的存储，还没有任何账号。"
    else:
        st.markdown(f"#### 设置{'、'.join(missing)}（三权分立）")
        why = f"这个存储来自较早的版本，还没有{'、'.join(missing)}账号（其余账号照常登录）。"
    st.caption(
        f"{why}请输入服务器启动时打印在控制台、并写在服务器 data/user/ 目录中的初始化码，"
        f"并为{'、'.join(missing)}各设一个账号（各管理员不能是同一人）。"
    )
    with st.form("first_start"):
        code = st.text_input("初始化码", key="setup_code")
        entries = {}
        for role in missing:
            left, right = st.columns(2)
            name = left.text_input(f"{role}用户名", key=f"setup_{role}_name")
            password = right.text_input(f"{role}密码", type="password", key=f"setup_{role}_pw")
            entries[role] = (name.strip(), password)
        if st.form_submit_button("完成初始化", type="primary"):
            try:
                accounts.set_up_administrators(
                    engine, code, entries, address=client_address(), policy=security_policy()
                )
                setup_code_path().unlink(missing_ok=True)  # used: no longer valid, no longer kept
            except (auth.AuthError, StoreError) as exc:
                st.error(md_text(exc))
                return
            st.session_state[NOTICE] = f"已创建{'、'.join(missing)}账号，请登录。"
            st.rerun()  # the sign-in form now


def _change_password_form(engine, session: accounts.Session) -> None:
    st.warning(session.must_change)
    with st.form("forced_change"):
        old = st.text_input("当前密码", type="password", key="fc_old")
        new = st.text_input(
            "新密码",
            type="password",
            key="fc_new",
            help="至少 8 个字符，包含大写字母、小写字母、数字、符号中的至少三类，不含用户名。",
        )
        again = st.text_input("再次输入新密码", type="password", key="fc_again")
        if st.form_submit_button("设置新密码", type="primary"):
            if new != again:
                st.error("两次输入的新密码不一致。")
                return
            try:
                epoch = accounts.change_password(
                    engine, session.actor.username, old, new, address=client_address(), policy=security_policy()
                )
                carry_on_after_password_change(engine, session.actor, epoch)
                st.rerun()
            except auth.AuthError as exc:
                st.error(md_text(exc))


def sign_in_form(engine) -> Actor | None:
    """The signed-in actor, or a sign-in (or first-start, or forced password change) form and None."""
    session = current_session(engine)
    if session is None:
        session = _sso_session(engine)
        if session is not None:
            st.session_state[SESSION] = session
            st.session_state[ACTIVITY] = time.time()
    if session is not None:
        if session.must_change:
            _change_password_form(engine, session)
            return None
        return session.actor
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.info(notice)
    missing = accounts.missing_administrators(engine)
    if missing:
        _first_start(engine, missing)
        if len(missing) == len(ADMIN_ROLES):
            return None
    with st.form("sign_in"):
        st.markdown("#### 登录")
        username = st.text_input("用户名", key="login_user")
        password = st.text_input("密码", type="password", key="login_password")
        if st.form_submit_button("登录", type="primary"):
            try:
                session = accounts.sign_in(
                    engine, username, password, now=time.time(), address=client_address(), policy=security_policy()
                )
                st.session_state[SESSION] = session
                st.session_state[ACTIVITY] = time.time()
                if not session.must_change:
                    _remember(engine, session)
                st.rerun()
            except auth.AuthError as exc:
                st.error(md_text(exc))
    if read_meta(engine).get("generated") == "true":
        st.caption(
            "这是程序生成的示范存储。示范账号：leader（领导）、inspector（督查受理）、unit001…（责任单位），"
            "admin、security、auditor（系统、安全、审计管理员），密码见 README。示范账号只存在于示范存储中；"
            "新建的正式存储没有任何预置账号。"
        )
    return None


def sign_out_button(actor: Actor, key: str = "sign_out") -> None:
    left, right = st.columns([4, 1])
    unit = f"，{actor.unit}" if actor.unit else ""
    left.caption(f"当前用户：{md_text(actor.username)}（{actor.role}{md_text(unit)}）")
    if right.button("退出登录", key=key):
        from chuangcheng.ui.data import engine

        sign_out(engine())
        st.rerun()
