"""账号与权限: the 系统管理员 keeps accounts, units, categories and settings; the 安全管理员
grants roles, lifts locks and signs accounts out everywhere (三权分立: neither does the other's
work, and neither reads the audit log).

Every form calls the store, which checks the role again and writes the audit line; the page
only offers what the role can do.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from chuangcheng.geo.permissions import allowed
from chuangcheng.geo.workflow import ADMIN, BUSINESS_ROLES, ROLES, SECURITY, UNIT, WorkflowError
from chuangcheng.store import accounts, auth, ledger, settings
from chuangcheng.store.errors import StoreError
from chuangcheng.ui.auth_gate import sign_in_form, sign_out_button
from chuangcheng.ui.data import engine as store_engine
from chuangcheng.ui.settings import client_address, security_policy, sign_in_required
from chuangcheng.ui.widgets import PAGE_CSS, flash, header_html, md_text, show_flashes

USER_COLUMNS = {
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "unit": "所属单位",
    "disabled": "已停用",
    "must_change": "须改密码",
    "password_changed_at": "密码修改时间",
    "recent_failures": "近期登录失败",
}
REFUSED = (auth.AuthError, StoreError, WorkflowError)


def _attempt(done: str, change) -> None:
    """Run one change; flash what happened (the store's own message when it refuses)."""
    try:
        change()
        flash("success", done)
    except REFUSED as exc:
        flash("error", str(exc))
    st.rerun()


def _change_settings(engine, actor, changed, values) -> None:
    for spec in changed:
        settings.change_setting(engine, actor, spec.name, values[spec.name], address=client_address())


def _users_table(users) -> None:
    shown = users.copy()
    for flag in ("disabled", "must_change"):
        shown[flag] = shown[flag].map(lambda v: "是" if bool(v) else "")
    shown["unit"] = shown["unit"].fillna("")
    shown["password_changed_at"] = pd.to_datetime(shown["password_changed_at"]).dt.strftime("%Y-%m-%d %H:%M")
    st.dataframe(
        shown.rename(columns=USER_COLUMNS), hide_index=True, width="stretch", height=min(420, 40 + 35 * len(users))
    )


def _accounts_tab(engine, actor, users) -> None:
    _users_table(users)
    units = accounts.read_units(engine)["name"].tolist()
    left, right = st.columns(2)
    with left.form("acc_create", clear_on_submit=True):
        st.markdown("**新建账号**（首次登录须修改初始密码）")
        username = st.text_input("用户名", max_chars=64, key="acc_name")
        display = st.text_input("姓名", max_chars=64, key="acc_display")
        role = st.selectbox(
            "角色", BUSINESS_ROLES, key="acc_role", help="管理员角色（系统、安全、审计）由安全管理员授予。"
        )
        unit = st.selectbox("所属单位（责任单位账号）", units, index=None, key="acc_unit", placeholder="选择单位")
        password = st.text_input("初始密码", type="password", key="acc_pw")
        if st.form_submit_button("创建", type="primary"):
            _attempt(
                f"已创建账号 {username.strip()}，首次登录须修改密码。",
                lambda: accounts.create_user(
                    engine,
                    actor,
                    username,
                    password,
                    role=role,
                    display_name=display.strip(),
                    unit=unit if role == UNIT else None,
                    address=client_address(),
                    policy=security_policy(),
                ),
            )
    names = users["username"].tolist()
    with right.form("acc_reset", clear_on_submit=True):
        st.markdown("**重置密码**（该账号所有会话立即退出，下次登录须修改）")
        who = st.selectbox("账号", names, index=None, key="acc_reset_user", placeholder="选择账号")
        temporary = st.text_input("临时密码", type="password", key="acc_reset_pw")
        if st.form_submit_button("重置"):
            _attempt(
                f"已重置 {who} 的密码。",
                lambda: accounts.reset_password(
                    engine, actor, who or "", temporary, address=client_address(), policy=security_policy()
                ),
            )
    with right.form("acc_disable"):
        st.markdown("**停用或启用账号**（停用后立即退出，不能登录）")
        who = st.selectbox(
            "账号", [n for n in names if n != actor.username], index=None, key="acc_dis_user", placeholder="选择账号"
        )
        disable = st.radio("操作", ["停用", "启用"], horizontal=True, key="acc_dis_op") == "停用"
        if st.form_submit_button("执行"):
            _attempt(
                f"已{'停用' if disable else '启用'} {who}。",
                lambda: accounts.set_disabled(engine, actor, who or "", disable, address=client_address()),
            )


def _units_tab(engine, actor) -> None:
    with st.form("unit_add", clear_on_submit=True):
        st.markdown("**登记责任单位**")
        left, right = st.columns(2)
        name = left.text_input("单位名称", max_chars=128, key="unit_name")
        kind = right.text_input("类型（如 区直部门、街道办事处）", max_chars=32, key="unit_kind")
        if st.form_submit_button("登记"):
            _attempt(
                f"已登记单位 {name.strip()}。",
                lambda: accounts.register_unit(engine, actor, name, kind=kind.strip(), address=client_address()),
            )
    st.dataframe(
        accounts.read_units(engine).rename(
            columns={"name": "单位", "kind": "类型", "district_code": "区划代码", "accounts": "账号数"}
        ),
        hide_index=True,
        width="stretch",
    )


def _categories_tab(engine, actor) -> None:
    with st.form("cat_add", clear_on_submit=True):
        st.markdown("**新增部件/事件类别**")
        left, mid, right = st.columns([1, 3, 1])
        code = left.text_input("编码（4 位数字）", max_chars=4, key="cat_code")
        name = mid.text_input("名称", max_chars=64, key="cat_name")
        kind = right.radio("类型", ["部件", "事件"], horizontal=True, key="cat_kind")
        if st.form_submit_button("新增"):
            _attempt(
                f"已新增类别 {code} {name}。",
                lambda: ledger.add_category(engine, actor, code=code, name=name, kind=kind, address=client_address()),
            )
    st.dataframe(
        ledger.read_categories(engine).rename(columns={"code": "编码", "name": "名称", "kind": "类型"}),
        hide_index=True,
        width="stretch",
        height=300,
    )


def _settings_tab(engine, actor) -> None:
    st.caption(
        "口令与会话策略不能低于 GB/T 22239-2019（等保 2.0）的要求：每项的取值范围即标准的要求。"
        "修改立即对所有服务器生效，并记入审计日志。"
    )
    policy = security_policy()  # the store's settings already applied over the deployment's
    current = {spec.name: getattr(policy, spec.name) for spec in settings.SETTINGS if hasattr(policy, spec.name)}
    current["wall_without_sign_in"] = sign_in_required()[1]
    with st.form("settings"):
        values = {}
        for spec in settings.SETTINGS:
            if spec.kind is bool:
                values[spec.name] = st.checkbox(
                    spec.title_zh, value=bool(current[spec.name]), help=spec.why, key=f"set_{spec.name}"
                )
            else:
                values[spec.name] = st.number_input(
                    spec.title_zh,
                    min_value=spec.kind(spec.low),
                    max_value=spec.kind(spec.high),
                    value=spec.kind(min(max(current[spec.name], spec.low), spec.high)),
                    step=spec.kind(1),
                    help=spec.why,
                    key=f"set_{spec.name}",
                )
        if st.form_submit_button("保存设置", type="primary"):
            changed = [spec for spec in settings.SETTINGS if values[spec.name] != current[spec.name]]
            _attempt(
                f"已保存：{'、'.join(spec.title_zh for spec in changed)}。" if changed else "没有改动。",
                lambda: _change_settings(engine, actor, changed, values),
            )


def _roles_tab(engine, actor, users) -> None:
    _users_table(users)
    units = accounts.read_units(engine)["name"].tolist()
    others = [n for n in users["username"] if n != actor.username]
    with st.form("role_set"):
        st.markdown("**分配角色**（该账号所有会话立即退出，重新登录后生效）")
        left, mid, right = st.columns(3)
        who = left.selectbox("账号", others, index=None, key="role_user", placeholder="选择账号")
        role = mid.selectbox("角色", ROLES, key="role_role")
        unit = right.selectbox("所属单位（责任单位）", units, index=None, key="role_unit", placeholder="选择单位")
        if st.form_submit_button("分配", type="primary"):
            _attempt(
                f"已将 {who} 的角色设为 {role}。",
                lambda: accounts.set_role(engine, actor, who or "", role, unit=unit, address=client_address()),
            )


def _locks_tab(engine, actor, users) -> None:
    policy = security_policy()
    st.caption(
        f"连续 {policy.lockout_failures} 次登录失败，该账号在该来源地址锁定 {policy.lockout_minutes:g} 分钟；"
        f"其他地址不受影响。同一地址 {policy.address_failures} 次失败（任意账号）也会暂停该地址登录。"
    )
    failing = users[users["recent_failures"] > 0]
    if failing.empty:
        st.info("目前没有登录失败记录。")
    else:
        _users_table(failing)
    left, right = st.columns(2)
    with left.form("unlock"):
        st.markdown("**解除锁定**")
        who = st.selectbox("账号", failing["username"].tolist(), index=None, key="unlock_user", placeholder="选择账号")
        if st.form_submit_button("解除"):
            _attempt(
                f"已解除 {who} 的锁定。", lambda: accounts.unlock(engine, actor, who or "", address=client_address())
            )
    with right.form("kick"):
        st.markdown("**强制下线**（该账号在所有设备上立即退出）")
        who = st.selectbox("账号", users["username"].tolist(), index=None, key="kick_user", placeholder="选择账号")
        if st.form_submit_button("强制下线"):
            _attempt(
                f"已强制 {who} 下线。",
                lambda: accounts.sign_out_everywhere(engine, actor, who or "", address=client_address()),
            )


def render() -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    engine = store_engine()
    st.markdown(
        header_html("账号与权限", "三权分立：系统管理员、安全管理员、审计管理员各司其职", ""), unsafe_allow_html=True
    )
    actor = sign_in_form(engine)
    if actor is None:
        return
    sign_out_button(actor, key="acc_sign_out")
    if actor.role not in (ADMIN, SECURITY):
        st.info(f"{md_text(actor.role)}账号不能管理账号。")
        return
    show_flashes()
    users = accounts.read_users(engine, actor)
    if actor.role == ADMIN:
        sections = [
            ("账号", lambda: _accounts_tab(engine, actor, users)),
            ("单位名录", lambda: _units_tab(engine, actor)),
            ("部件/事件类别", lambda: _categories_tab(engine, actor)),
        ]
        if allowed(actor.role, "settings.change"):
            sections.append(("系统设置", lambda: _settings_tab(engine, actor)))
    else:
        sections = [
            ("角色", lambda: _roles_tab(engine, actor, users)),
            ("锁定与下线", lambda: _locks_tab(engine, actor, users)),
        ]
    for tab, (_, draw) in zip(st.tabs([name for name, _ in sections]), sections):
        with tab:
            draw()


render()
