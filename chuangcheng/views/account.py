"""我的账号: change one's own password, sign out everywhere (every role)."""

from __future__ import annotations

import streamlit as st

from chuangcheng.store import accounts, auth
from chuangcheng.store.errors import StoreError
from chuangcheng.ui.auth_gate import SESSION, carry_on_after_password_change, sign_in_form, sign_out, sign_out_button
from chuangcheng.ui.data import engine as store_engine
from chuangcheng.ui.settings import client_address, security_policy
from chuangcheng.ui.widgets import PAGE_CSS, flash, header_html, md_text, show_flashes


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    engine = store_engine()
    st.markdown(header_html("我的账号", "", ""), unsafe_allow_html=True)
    actor = sign_in_form(engine)
    if actor is None:
        return
    sign_out_button(actor, key="me_sign_out")
    show_flashes()
    policy = security_policy()
    st.markdown(
        f"**{md_text(actor.username)}** · {md_text(actor.role)}" + (f" · {md_text(actor.unit)}" if actor.unit else "")
    )
    left, right = st.columns(2)
    with left.form("me_password", clear_on_submit=True):
        st.markdown("**修改密码**")
        old = st.text_input("当前密码", type="password", key="me_old")
        new = st.text_input(
            "新密码",
            type="password",
            key="me_new",
            help=f"至少 {policy.min_length} 个字符，包含大写字母、小写字母、数字、符号中的至少 "
            f"{policy.min_classes} 类，不含用户名；有效期 {policy.max_age_days or '不限'} 天。",
        )
        again = st.text_input("再次输入新密码", type="password", key="me_again")
        if st.form_submit_button("修改密码", type="primary"):
            if new != again:
                flash("error", "两次输入的新密码不一致。")
            else:
                try:
                    epoch = accounts.change_password(
                        engine, actor.username, old, new, address=client_address(), policy=policy
                    )
                    carry_on_after_password_change(engine, actor, epoch)
                    flash("success", "密码已修改；其他电脑和手机上的登录已全部退出。")
                except (auth.AuthError, StoreError) as exc:
                    flash("error", str(exc))
            st.rerun()
    with right.form("me_everywhere"):
        st.markdown("**在所有设备上退出**")
        st.caption("如果在别的电脑或手机上登录后忘了退出，或怀疑密码泄露：所有会话（包括这一个）立即失效。")
        if st.form_submit_button("全部退出"):
            try:
                accounts.sign_out_everywhere(engine, actor, actor.username, address=client_address())
            except StoreError as exc:
                flash("error", str(exc))
            st.session_state.pop(SESSION, None)
            sign_out(engine, "已在所有设备上退出，请重新登录。")
            st.rerun()


render()
