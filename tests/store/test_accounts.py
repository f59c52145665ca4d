"""Accounts and sign-in on both backends (GB/T 22239-2019 §8.1.4.1): lockout per account and
address with an injected clock, throttling per address, equal work for unknown names, expiry,
forced change after a reset, sign-out everywhere, the first start of a new store, and the
audit line each of these leaves."""

import hashlib
import statistics
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from chuangcheng import store
from chuangcheng.geo.workflow import ADMIN, AUDITOR, INSPECTOR, LEADER, SECURITY, Actor
from chuangcheng.store import accounts, audit, auth
from chuangcheng.store.db import writing
from chuangcheng.store.errors import PermissionDenied, StoreError

PW = "Inspect-2026"
SYS = Actor("sys", ADMIN)
SEC = Actor("sec", SECURITY)
AUD = Actor("aud", AUDITOR)
T = 1_800_000_000.0  # the injected clock (epoch seconds)
POLICY = auth.DEFAULT_POLICY


@pytest.fixture
def engine(store_url):
    eng = store.open_store(store_url)
    with writing(eng) as conn:
        accounts.add_units(conn, [{"name": "城管局"}])
        for name, role in (("sys", ADMIN), ("sec", SECURITY), ("aud", AUDITOR)):
            accounts.insert_user(conn, name, "Admin-pass-1", role=role)
        accounts.insert_user(conn, "li", PW, role=INSPECTOR, now=datetime.fromtimestamp(T))
    yield eng
    eng.dispose()


def _fail(engine, n, *, user="li", address="10.0.0.9", at=T):
    for i in range(n):
        with pytest.raises(auth.AuthError):
            accounts.sign_in(engine, user, "Wrong-pass-1", now=at + i, address=address)


def _actions(engine, **filters):
    return audit.read_audit(engine, **filters)["action"].tolist()


def test_five_failures_lock_the_account_for_that_address_only(engine):
    _fail(engine, 4)
    assert accounts.sign_in(engine, "li", PW, now=T + 10, address="10.0.0.9").actor.username == "li"
    # success cleared the count; now five in a row
    _fail(engine, 5, at=T + 20)
    with pytest.raises(auth.AuthError, match="15 分钟后再试"):
        accounts.sign_in(engine, "li", PW, now=T + 30, address="10.0.0.9")
    # the real user at their own desk is not locked out by the attacker's address
    assert accounts.sign_in(engine, "li", PW, now=T + 31, address="10.0.0.1").actor.role == INSPECTOR
    # trying during the lock does not extend it: it ends 15 min after the fifth failure (T+24)
    for k in range(20):
        with pytest.raises(auth.AuthError, match="再试"):
            accounts.sign_in(engine, "li", PW, now=T + 40 + k * 30, address="10.0.0.9")
    with pytest.raises(auth.AuthError, match="再试"):
        accounts.sign_in(engine, "li", PW, now=T + 24 + 899, address="10.0.0.9")
    assert accounts.sign_in(engine, "li", PW, now=T + 24 + 900, address="10.0.0.9")


def test_an_address_guessing_many_names_is_held_off(engine):
    for i in range(POLICY.address_failures):
        with pytest.raises(auth.AuthError, match="不正确"):
            accounts.sign_in(engine, f"guess{i}", "Wrong-pass-1", now=T + i, address="10.6.6.6")
    with pytest.raises(auth.AuthError, match="再试"):  # even the right password from that address
        accounts.sign_in(engine, "li", PW, now=T + 100, address="10.6.6.6")
    assert accounts.sign_in(engine, "li", PW, now=T + 100, address="10.0.0.1")


def test_the_security_administrator_unlocks(engine):
    _fail(engine, 5)
    with pytest.raises(PermissionDenied):
        accounts.unlock(engine, SYS, "li")
    assert accounts.unlock(engine, SEC, "li", address="10.0.0.2") == 5
    assert accounts.sign_in(engine, "li", PW, now=T + 10, address="10.0.0.9")
    assert "user_unlock" in _actions(engine, who="sec")


def test_unknown_names_cost_the_same_work_and_get_the_same_answer(engine, monkeypatch):
    calls = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    answers = []
    for name in ("li", "nobody"):
        with pytest.raises(auth.AuthError) as err:
            accounts.sign_in(engine, name, "Wrong-pass-1", now=T, address=f"10.1.1.{len(name)}")
        answers.append((str(err.value), len(calls)))
        calls.clear()
    assert answers[0] == answers[1] == ("用户名或密码不正确。", 1)
    monkeypatch.undo()

    def median_ms(name):
        times = []
        for i in range(9):
            start = time.perf_counter()
            with pytest.raises(auth.AuthError):
                accounts.sign_in(engine, name, "Wrong-pass-1", now=T + 1000 * i, address=f"10.2.{len(name)}.{i}")
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    known, unknown = median_ms("li"), median_ms("nobody")
    assert 0.75 < known / unknown < 1.33, (known, unknown)


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(engine):
    session = accounts.sign_in(engine, "li", PW, now=T)
    accounts.set_disabled(engine, SYS, "li", True)
    assert accounts.current_session(engine, session) is None
    with pytest.raises(auth.AuthError, match="不正确"):
        accounts.sign_in(engine, "li", PW, now=T + 1)


def test_passwords_expire_and_a_reset_forces_a_change(engine):
    assert accounts.sign_in(engine, "li", PW, now=T + 89 * 86400).must_change == ""
    assert "90 天" in accounts.sign_in(engine, "li", PW, now=T + 91 * 86400).must_change
    first = accounts.sign_in(engine, "li", PW, now=T)
    accounts.reset_password(engine, SYS, "li", "Temp-pass-99")
    assert accounts.current_session(engine, first) is None  # signed out at once
    forced = accounts.sign_in(engine, "li", "Temp-pass-99", now=T + 5)
    assert "重置" in forced.must_change
    with pytest.raises(auth.AuthError, match="至少 3 类"):
        accounts.change_password(engine, "li", "Temp-pass-99", "alllowercase")
    accounts.change_password(engine, "li", "Temp-pass-99", "New-pass-2026")
    assert accounts.sign_in(engine, "li", "New-pass-2026", now=time.time()).must_change == ""
    with pytest.raises(auth.AuthError, match="当前密码不正确"):
        accounts.change_password(engine, "li", "Temp-pass-99", "Other-pass-2026")
    assert {"password_reset", "password_change", "password_change_failed"} <= set(_actions(engine))


def test_a_password_change_ends_every_other_session(engine):
    """Someone who knew the old password is signed out everywhere; the changer carries on."""
    from chuangcheng.store import web_sessions

    here = accounts.sign_in(engine, "li", PW, now=T, address="10.0.0.1")
    elsewhere = accounts.sign_in(engine, "li", PW, now=T, address="10.0.0.2")
    phone = web_sessions.remember(engine, elsewhere, now=time.time(), idle_s=900)
    epoch = accounts.change_password(engine, "li", PW, "New-pass-2026")
    assert epoch == here.epoch + 1
    assert accounts.current_session(engine, elsewhere) is None
    assert web_sessions.recall(engine, phone, now=time.time(), idle_s=900) is None
    assert accounts.current_session(engine, accounts.Session(here.actor, epoch)) is not None


def test_sign_out_everywhere_ends_every_session(engine):
    one = accounts.sign_in(engine, "li", PW, now=T, address="10.0.0.1")
    two = accounts.sign_in(engine, "li", PW, now=T, address="10.0.0.2")
    accounts.sign_out_everywhere(engine, one.actor, "li")
    assert accounts.current_session(engine, one) is None and accounts.current_session(engine, two) is None
    with pytest.raises(PermissionDenied):  # someone else's: the 安全管理员's job
        accounts.sign_out_everywhere(engine, Actor("li", INSPECTOR), "sys")
    accounts.sign_out_everywhere(engine, SEC, "sys")


def test_three_administrators_each_do_only_their_own_work(engine):
    # 系统管理员: business accounts only; 安全管理员: roles; 审计管理员: reads the log
    accounts.create_user(engine, SYS, "wang", "Leader-pass-1", role=LEADER)
    with pytest.raises(auth.AuthError, match="安全管理员授予"):
        accounts.create_user(engine, SYS, "root2", "Root-pass-1", role=ADMIN)
    for actor in (SEC, AUD, Actor("li", INSPECTOR)):
        with pytest.raises(PermissionDenied):
            accounts.create_user(engine, actor, "x", "Xxxx-pass-1", role=LEADER)
    with pytest.raises(PermissionDenied):
        accounts.set_role(engine, SYS, "wang", INSPECTOR)
    session = accounts.sign_in(engine, "wang", "Leader-pass-1", now=T)
    accounts.set_role(engine, SEC, "wang", INSPECTOR)
    assert accounts.current_session(engine, session) is None  # the new role needs a new sign-in
    assert accounts.sign_in(engine, "wang", "Leader-pass-1", now=T + 1).actor.role == INSPECTOR
    with pytest.raises(auth.AuthError, match="自己"):
        accounts.set_role(engine, SEC, "sec", ADMIN)
    for actor in (SYS, SEC, Actor("li", INSPECTOR)):
        with pytest.raises(PermissionDenied):
            audit.read_audit(engine, actor)
    log = audit.read_audit(engine, AUD)
    change = log[log["action"] == "role_change"].iloc[-1]
    assert change["actor"] == "sec" and change["target"] == "wang" and "督查受理" in change["detail"]
    with pytest.raises(PermissionDenied):
        accounts.read_users(engine, Actor("li", INSPECTOR))
    assert "password_hash" not in accounts.read_users(engine, SYS).columns


def test_sign_ins_are_audited_with_their_address(engine):
    _fail(engine, 1, address="192.0.2.7")
    accounts.sign_in(engine, "li", PW, now=T + 5, address="192.0.2.7")
    accounts.record_sign_out(engine, Actor("li", INSPECTOR), address="192.0.2.7")
    log = audit.read_audit(engine, who="li")
    assert log["action"].tolist() == ["sign_in_failed", "sign_in", "sign_out"]
    assert set(log["address"]) == {"192.0.2.7"}
    assert PW not in " ".join(audit.read_audit(engine)["detail"])  # no password ever in the log


def test_a_lock_flood_writes_one_line_a_minute(engine):
    _fail(engine, 5)
    for k in range(30):
        with pytest.raises(auth.AuthError, match="再试"):
            accounts.sign_in(engine, "li", PW, now=T + 10 + k, address="10.0.0.9")
    assert _actions(engine, who="li").count("sign_in_locked") == 1


def test_a_new_store_has_no_accounts_and_asks_for_three_administrators(store_url):
    engine = store.open_store(store_url)
    assert not accounts.has_accounts(engine)
    code = accounts.issue_setup_code(engine)
    admins = {
        ADMIN: ("sysadmin", "Sys-pass-2026"),
        SECURITY: ("secadmin", "Sec-pass-2026"),
        AUDITOR: ("audadmin", "Aud-pass-2026"),
    }
    with pytest.raises(auth.AuthError, match="初始化码不正确"):
        accounts.set_up_administrators(engine, "0000-0000-0000-0000", admins)
    with pytest.raises(auth.AuthError, match="各不相同"):
        accounts.set_up_administrators(engine, code, {**admins, AUDITOR: ("sysadmin", "Aud-pass-2026")})
    accounts.set_up_administrators(engine, code.lower(), admins)
    with pytest.raises(StoreError, match="已经初始化"):
        accounts.set_up_administrators(engine, code, admins)
    assert accounts.issue_setup_code(engine) is None
    users = accounts.read_users(engine, Actor("sysadmin", ADMIN))
    assert sorted(users["role"]) == sorted([ADMIN, SECURITY, AUDITOR])
    with engine.connect() as conn:  # only a hash of the code was ever stored, and it is gone
        assert not conn.execute(sa.text("SELECT 1 FROM meta WHERE key = :k"), {"k": accounts.SETUP_CODE_KEY}).first()
    assert "setup_failed" in _actions(engine) and "setup_administrators" in _actions(engine)
    engine.dispose()


def test_a_store_from_before_the_three_roles_gets_its_missing_administrators(store_url):
    """The first version had one 管理员 role: after the migration it is the 系统管理员, and the
    安全管理员 and 审计管理员 are set up with a setup code while everyone else signs in as before."""
    from chuangcheng.store import migrations

    engine = store.open_store(store_url)
    with writing(engine) as conn:  # as the first version left it: migration 5 not yet applied
        accounts.insert_user(conn, "admin", "Sys-pass-2026", role=ADMIN)
        accounts.insert_user(conn, "li", PW, role=INSPECTOR)
        conn.execute(sa.text("UPDATE users SET role = '管理员' WHERE username = 'admin'"))
        conn.execute(sa.text("DELETE FROM schema_version WHERE version >= 5"))
        conn.execute(sa.text("DROP TABLE web_sessions"))  # migration 6 came later still
    migrations.migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT role FROM users WHERE username = 'admin'")).scalar() == ADMIN
    assert accounts.missing_administrators(engine) == (SECURITY, AUDITOR)
    code = accounts.issue_setup_code(engine)
    assert code is not None
    accounts.sign_in(engine, "li", PW, now=time.time())  # business as usual meanwhile
    with pytest.raises(auth.AuthError, match="安全管理员、审计管理员"):
        accounts.set_up_administrators(
            engine,
            code,
            {ADMIN: ("x", "Sys-pass-2026"), SECURITY: ("s", "Sec-pass-2026"), AUDITOR: ("a", "Aud-pass-2026")},
        )
    with pytest.raises(auth.AuthError, match="已存在"):  # an existing name is not taken over
        accounts.set_up_administrators(
            engine, code, {SECURITY: ("li", "Sec-pass-2026"), AUDITOR: ("a", "Aud-pass-2026")}
        )
    accounts.set_up_administrators(
        engine, code, {SECURITY: ("anquan", "Sec-pass-2026"), AUDITOR: ("shenji", "Aud-pass-2026")}
    )
    assert accounts.missing_administrators(engine) == ()
    assert accounts.issue_setup_code(engine) is None
    assert accounts.sign_in(engine, "anquan", "Sec-pass-2026", now=time.time()).actor.role == SECURITY
    engine.dispose()


def test_the_audit_log_is_append_only_in_the_database(engine):
    accounts.sign_in(engine, "li", PW, now=T)
    with pytest.raises(sa.exc.DBAPIError, match="只能追加"):
        with writing(engine) as conn:
            conn.execute(sa.text("UPDATE audit_log SET actor = 'nobody'"))
    with pytest.raises(sa.exc.DBAPIError, match="只能追加"):
        with writing(engine) as conn:
            conn.execute(sa.text("DELETE FROM audit_log"))
    old = datetime.now() - timedelta(days=audit.RETENTION_DAYS + 5)
    with writing(engine) as conn:
        audit.record(conn, actor="li", action="sign_in", at=old)
    with pytest.raises(ValueError, match="至少保留 180 天"):
        audit.purge_before(engine, AUD, datetime.now() - timedelta(days=30))
    with pytest.raises(PermissionDenied):
        audit.purge_before(engine, SYS, old + timedelta(days=1))
    assert audit.purge_before(engine, AUD, old + timedelta(days=1)) == 1
    assert _actions(engine)[-1] == "audit_purge"
