"""Signing in: the app's own accounts, or an upstream single sign-on header when configured."""

from __future__ import annotations

import time

import streamlit as st

from geo.workflow import Actor
from store import accounts, auth
from ui.settings import sso_header
from ui.widgets import md_text


def sign_in_form(engine) -> Actor | None:
    """The signed-in actor (kept in the session), or a sign-in form and ``None``."""
    if "actor" in st.session_state:
        return st.session_state["actor"]
    header = sso_header()
    if header and st.context.headers.get(header):
        username = st.context.headers.get(header)
        actor = accounts.find_user(engine, username)
        if actor is not None:
            st.session_state["actor"] = actor
            return actor
        st.error(f"单点登录用户 “{username}” 没有账号，请联系管理员。")
        return None
    with st.form("sign_in"):
        st.markdown("#### 登录")
        username = st.text_input("用户名", key="login_user")
        password = st.text_input("密码", type="password", key="login_password")
        if st.form_submit_button("登录", type="primary"):
            try:
                st.session_state["actor"] = accounts.sign_in(engine, username.strip(), password, now=time.time())
                st.rerun()
            except auth.AuthError as exc:
                st.error(str(exc))
    return None


def sign_out_button(actor: Actor, key: str = "sign_out") -> None:
    left, right = st.columns([4, 1])
    unit = f"，{actor.unit}" if actor.unit else ""
    left.caption(f"当前用户：{md_text(actor.username)}（{actor.role}{md_text(unit)}）")
    if right.button("退出登录", key=key):
        st.session_state.pop("actor", None)
        st.rerun()
