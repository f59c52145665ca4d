"""AppTest of the sign-in gate and the administrators' pages: the first start of a new store,
a reset that forces a change, idle sign-out, navigation by role (三权分立), and every change made
on 账号与权限 / 审计日志 / 我的账号 reaching the store with its audit line."""

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from chuangcheng import store
from chuangcheng.demo.ledger import DEMO_PASSWORD
from chuangcheng.geo.workflow import ADMIN, AUDITOR, INSPECTOR, LEADER, SECURITY, UNIT, Actor
from chuangcheng.store import accounts, audit
from chuangcheng.ui.access import OPEN, PAGES, pages_for
from tests.ui.helpers import shown, sign_in_as

ROOT = Path(__file__).resolve().parents[2]
SYS = Actor("admin", ADMIN)
SEC = Actor("security", SECURITY)
AUD = Actor("auditor", AUDITOR)


@pytest.fixture
def url(demo_store_url, monkeypatch):
    monkeypatch.setenv("CHUANGCHENG_STORE_URL", demo_store_url)
    monkeypatch.delenv("CHUANGCHENG_DEMO_MODE")
    return demo_store_url


def _dashboard() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=240)


def _page(name: str, actor: Actor) -> AppTest:
    at = AppTest.from_file(str(ROOT / "chuangcheng" / "views" / f"{name}.py"), default_timeout=240)
    sign_in_as(at, actor)
    return at.run()


def _text(at) -> str:
    return "\n".join(shown(m) for m in [*at.markdown, *at.caption, *at.info, *at.success, *at.error, *at.warning])


def _has(at, key: str) -> bool:
    return any(w.key == key for w in at.text_input)


def _sign_in(at, user, password=DEMO_PASSWORD):
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    at.button(key="FormSubmitter:sign_in-登录").click().run()
    return at


def test_each_role_is_offered_only_its_pages():
    files = {
        role: {p.file.split("/")[-1] for p in pages_for(role)}
        for role in (OPEN, LEADER, INSPECTOR, UNIT, ADMIN, SECURITY, AUDITOR)
    }
    assert files[AUDITOR] == {"audit.py", "account.py"}
    assert files[SECURITY] == {"accounts.py", "account.py"}
    assert "audit.py" not in files[ADMIN] and "ledger.py" not in files[ADMIN]  # admins do no casework
    assert "accounts.py" not in files[LEADER] | files[INSPECTOR] | files[UNIT] | files[OPEN]
    assert files[UNIT] >= {"ledger.py", "inspections.py"} and "data_import.py" not in files[UNIT]
    assert pages_for(None) == [p for p in PAGES if OPEN in p.roles]


def test_signed_out_on_a_network_server_sees_only_the_sign_in(url):
    at = _dashboard().run()
    assert not at.exception and _has(at, "login_user")
    assert "示范存储" in _text(at) and DEMO_PASSWORD not in _text(at)
    assert not at.dataframe and not at.get("component_instance")  # nothing of the city


def test_the_auditor_lands_on_the_audit_log_and_cannot_reach_the_ledger(url):
    at = _sign_in(_dashboard().run(), "auditor")
    assert not at.exception and "审计日志" in _text(at)
    with pytest.raises(
        ValueError, match=r"Known pages: \['\S*/chuangcheng/views/audit.py', '\S*/chuangcheng/views/account.py'\]"
    ):
        at.switch_page("chuangcheng/views/ledger.py")  # the navigation never registered it for this role


def test_a_new_store_starts_with_the_three_administrators(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'new.gpkg'}"
    monkeypatch.setenv("CHUANGCHENG_STORE_URL", url)
    monkeypatch.delenv("CHUANGCHENG_DEMO_MODE")
    engine = store.open_store(url)
    code = accounts.issue_setup_code(engine)
    at = _dashboard().run()
    assert not at.exception and "初始化" in _text(at) and not _has(at, "login_user")
    at.text_input(key="setup_code").input(code)
    for role, name in ((ADMIN, "sys1"), (SECURITY, "sec1"), (AUDITOR, "aud1")):
        at.text_input(key=f"setup_{role}_name").input(name)
        at.text_input(key=f"setup_{role}_pw").input(f"Setup-{role}-2026")
    at.button(key="FormSubmitter:first_start-完成初始化").click().run()
    assert "已创建系统管理员、安全管理员、审计管理员账号" in _text(at) and _has(at, "login_user")
    assert sorted(accounts.read_users(engine, Actor("sys1", ADMIN))["username"]) == ["aud1", "sec1", "sys1"]
    at = _sign_in(_dashboard().run(), "sys1", f"Setup-{ADMIN}-2026")
    at.switch_page("chuangcheng/views/accounts.py").run()
    assert not at.exception and "账号与权限" in _text(at)


def test_a_reset_password_must_be_changed_at_the_next_sign_in(url):
    engine = store.open_store(url)
    accounts.reset_password(engine, SYS, "inspector", "Temp-pass-2026")
    at = _sign_in(_dashboard().run(), "inspector", "Temp-pass-2026")
    assert "重置了您的密码" in _text(at) and _has(at, "fc_new")
    at.text_input(key="fc_old").input("Temp-pass-2026")
    at.text_input(key="fc_new").input("short")
    at.text_input(key="fc_again").input("short")
    at.button(key="FormSubmitter:forced_change-设置新密码").click().run()
    assert "至少需要 8" in _text(at)
    at.text_input(key="fc_old").input("Temp-pass-2026")
    at.text_input(key="fc_new").input("Brand-new-2026")
    at.text_input(key="fc_again").input("Brand-new-2026")
    at.button(key="FormSubmitter:forced_change-设置新密码").click().run()
    assert not at.exception and not _has(at, "fc_new") and not _has(at, "login_user")
    assert accounts.sign_in(engine, "inspector", "Brand-new-2026", now=time.time()).must_change == ""


def _age_remembered_sign_ins(url, username, seconds):
    import sqlalchemy as sa

    from chuangcheng.store.db import writing

    engine = store.open_store(url)
    with writing(engine) as conn:
        conn.execute(
            sa.text("UPDATE web_sessions SET last_seen = last_seen - :s WHERE username = :u"),
            {"s": seconds, "u": username},
        )
    engine.dispose()


def test_an_idle_session_is_signed_out(url):
    at = _sign_in(_dashboard().run(), "leader")
    assert not _has(at, "login_user")
    at.session_state["_last_activity"] = time.time() - 16 * 60
    at.run()
    assert not _has(at, "login_user")  # the browser's remembered sign-in was active a moment ago
    at.session_state["_last_activity"] = time.time() - 16 * 60
    _age_remembered_sign_ins(url, "leader", 16 * 60)  # and now idle in every tab too
    at.run()
    assert "15 分钟没有操作" in _text(at) and _has(at, "login_user")
    log = audit.read_audit(store.open_store(url), who="leader")
    assert log["action"].tolist()[-2:] == ["sign_in", "sign_out"]


def test_the_page_refresh_is_not_activity(url):
    at = _sign_in(_dashboard().run(), "leader")
    at.session_state["_last_activity"] = time.time() - 14 * 60
    at.session_state["_auto_rerun"] = True
    at.run()
    assert at.session_state["_last_activity"] < time.time() - 13 * 60  # the clock was not reset
    at.run()  # a user's own click is
    assert at.session_state["_last_activity"] > time.time() - 60


def test_the_system_administrator_creates_an_account_that_must_change_its_password(url):
    at = _page("accounts", SYS)
    assert [t.label for t in at.tabs] == ["账号", "单位名录", "部件/事件类别", "系统设置"]
    at.text_input(key="acc_name").input("zhang")
    at.selectbox(key="acc_role").set_value(INSPECTOR)
    at.text_input(key="acc_pw").input("weak")
    at.button(key="FormSubmitter:acc_create-创建").click().run()
    assert "至少需要 8" in _text(at)
    at.text_input(key="acc_name").input("zhang")
    at.selectbox(key="acc_role").set_value(INSPECTOR)
    at.text_input(key="acc_pw").input("First-pass-2026")
    at.button(key="FormSubmitter:acc_create-创建").click().run()
    assert "已创建账号 zhang" in _text(at)
    engine = store.open_store(url)
    assert "重置" in accounts.sign_in(engine, "zhang", "First-pass-2026", now=time.time()).must_change
    assert audit.read_audit(engine, who="admin")["action"].tolist()[-1] == "user_create"
    assert not [s for s in at.selectbox if s.key == "role_role"]  # roles are the 安全管理员's


def test_the_security_administrator_grants_roles_and_settings_are_bounded(url):
    at = _page("accounts", SEC)
    assert [t.label for t in at.tabs] == ["角色", "锁定与下线"]
    at.selectbox(key="role_user").set_value("leader")
    at.selectbox(key="role_role").set_value(INSPECTOR)
    at.button(key="FormSubmitter:role_set-分配").click().run()
    assert "已将 leader 的角色设为 督查受理" in _text(at)
    engine = store.open_store(url)
    assert accounts.find_user(engine, "leader").actor.role == INSPECTOR
    admin = _page("accounts", SYS)
    assert admin.number_input(key="set_min_length").min == 8  # 等保: never below 8
    admin.number_input(key="set_idle_minutes").set_value(10)
    admin.button(key="FormSubmitter:settings-保存设置").click().run()
    assert "无操作自动退出" in _text(admin)
    line = audit.read_audit(engine, who="admin").iloc[-1]
    assert line["action"] == "setting_change" and line["target"] == "idle_minutes" and '"to": 10' in line["detail"]


def test_the_auditor_reads_the_log_and_no_one_else_does(url):
    engine = store.open_store(url)
    accounts.unlock(engine, SEC, "leader", address="10.9.9.9")
    at = _page("audit", AUD)
    table = at.dataframe[0].value
    assert "解除锁定" in set(table["操作"]) and "10.9.9.9" in set(table["来源地址"])
    assert len(at.get("download_button")) == 4  # log and moves, Excel and CSV (clicked in a browser test)
    for actor in (SYS, SEC, Actor("leader", LEADER)):
        page = _page("audit", actor)
        assert not page.dataframe and "不能查看审计日志" in _text(page)


def test_everyone_changes_their_own_password(url):
    engine = store.open_store(url)
    elsewhere = accounts.sign_in(engine, "leader", DEMO_PASSWORD, now=time.time())  # another device
    at = _page("account", Actor("leader", LEADER))
    at.text_input(key="me_old").input(DEMO_PASSWORD)
    at.text_input(key="me_new").input("Another-pw-2026")
    at.text_input(key="me_again").input("Another-pw-2026")
    at.button(key="FormSubmitter:me_password-修改密码").click().run()
    assert "密码已修改" in _text(at) and "其他电脑和手机上的登录已全部退出" in _text(at)
    assert accounts.sign_in(engine, "leader", "Another-pw-2026", now=time.time())
    assert accounts.current_session(engine, elsewhere) is None  # the other device is out
    at.run()
    assert not at.exception and not _has(at, "login_user")  # this tab carries on


def test_an_account_whose_role_has_no_page_is_told_so(url):
    import sqlalchemy as sa

    from chuangcheng.store.db import writing

    at = _dashboard()
    sign_in_as(at, Actor("leader", LEADER))
    engine = store.open_store(url)
    with writing(engine) as conn:  # a role this version does not know (written by hand, say)
        conn.execute(sa.text("UPDATE users SET role = '临时角色' WHERE username = 'leader'"))
    engine.dispose()
    at.session_state["session"] = accounts.Session(Actor("leader", "临时角色"), 0)
    at.run()
    assert not at.exception
    assert any("没有可用的页面" in shown(e) and "临时角色" in shown(e) for e in at.error)
    assert any(b.label == "退出登录" for b in at.button)
