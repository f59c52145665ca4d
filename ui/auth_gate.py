"""Signing in: the app's own accounts, or an upstream single sign-on header when configured."""

from __future__ import annotations

import time

import sqlalchemy as sa
import streamlit as st

from geo.ledger import auth, store
from geo.ledger.workflow import Actor
from ui.ledger_data import sso_header


def sign_in_form(engine) -> Actor | None:
    """The signed-in actor (kept in the session), or a sign-in form and ``None``."""
    if "actor" in st.session_state:
        return st.session_state["actor"]
    header = sso_header()
    if header and st.context.headers.get(header):
        username = st.context.headers.get(header)
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT username, role, unit FROM users WHERE username = :u"),
                               {"u": username}).mappings().first()
        if row:
            st.session_state["actor"] = Actor(row["username"], row["role"], row["unit"])
            return st.session_state["actor"]
        st.error(f"单点登录用户 “{username}” 没有台账账号，请联系管理员。")
        return None
    with st.form("sign_in"):
        st.markdown("#### 登录问题台账")
        username = st.text_input("用户名", key="login_user")
        password = st.text_input("密码", type="password", key="login_password")
        if st.form_submit_button("登录", type="primary"):
            try:
                st.session_state["actor"] = store.sign_in(engine, username.strip(), password, now=time.time())
                st.rerun()
            except auth.AuthError as exc:
                st.error(str(exc))
    return None
