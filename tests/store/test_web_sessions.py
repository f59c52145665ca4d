"""Sign-ins remembered by the browser, on both backends: a token stands for its account only while
the account's sessions hold (sign-out, sign out everywhere, disable, role change, idle limit), and
the store keeps only the token's hash. Times from an injected clock."""

import hashlib
from datetime import datetime

import pytest
import sqlalchemy as sa

from chuangcheng import store
from chuangcheng.geo.workflow import ADMIN, INSPECTOR, LEADER, SECURITY, Actor
from chuangcheng.store import accounts, audit, web_sessions
from chuangcheng.store.db import writing

PW = "Inspect-2026"
T = 1_800_000_000.0
IDLE_S = 15 * 60
SEC = Actor("sec", SECURITY)
SYS = Actor("sys", ADMIN)


@pytest.fixture
def engine(store_url):
    eng = store.open_store(store_url)
    with writing(eng) as conn:
        for name, role in (("sys", ADMIN), ("sec", SECURITY)):
            accounts.insert_user(conn, name, "Admin-pass-1", role=role)
        accounts.insert_user(conn, "li", PW, role=INSPECTOR, now=datetime.fromtimestamp(T))
    yield eng
    eng.dispose()


def _token(engine, at=T):
    session = accounts.sign_in(engine, "li", PW, now=at)
    return web_sessions.remember(engine, session, now=at, idle_s=IDLE_S)


def _recall(engine, token, at):
    return web_sessions.recall(engine, token, now=at, idle_s=IDLE_S)


def test_a_token_recalls_its_account_and_only_its_hash_is_stored(engine):
    token = _token(engine)
    assert _recall(engine, token, T + 60).actor == Actor("li", INSPECTOR)
    assert web_sessions.last_seen(engine, token) == T + 60
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT token_hash FROM web_sessions")).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()] and token not in stored
    assert _recall(engine, token[:-1] + ("A" if token[-1] != "A" else "B"), T + 60) is None
    assert _recall(engine, "", T) is None and _recall(engine, None, T) is None
    assert "session_resume" in audit.read_audit(engine)["action"].tolist()


def test_idle_beyond_the_limit_ends_it_and_activity_keeps_it(engine):
    token = _token(engine)
    assert web_sessions.seen(engine, token, now=T + IDLE_S - 10, last_written=T) == T + IDLE_S - 10
    assert _recall(engine, token, T + 2 * IDLE_S - 20) is not None  # within the limit of the last activity
    assert _recall(engine, token, T + 4 * IDLE_S) is None  # idle too long
    assert _recall(engine, token, T + 4 * IDLE_S - 1) is None  # and gone for good


def test_seen_is_written_at_most_once_a_minute(engine):
    token = _token(engine)
    assert web_sessions.seen(engine, token, now=T + 30, last_written=T) == T
    assert web_sessions.seen(engine, token, now=T + 61, last_written=T) == T + 61


@pytest.mark.parametrize("end", ["sign_out", "everywhere", "disable", "role"])
def test_every_way_of_ending_sessions_ends_the_remembered_one(engine, end):
    token = _token(engine)
    if end == "sign_out":
        web_sessions.forget(engine, token)
        assert web_sessions.last_seen(engine, token) is None  # other tabs see it at once
    elif end == "everywhere":
        accounts.sign_out_everywhere(engine, SEC, "li")
    elif end == "disable":
        accounts.set_disabled(engine, SYS, "li", True)
    else:
        accounts.set_role(engine, SEC, "li", LEADER)
    assert _recall(engine, token, T + 60) is None


def test_a_session_that_must_change_its_password_is_not_remembered(engine):
    accounts.reset_password(engine, SYS, "li", "Temp-pass-2026")
    session = accounts.sign_in(engine, "li", "Temp-pass-2026", now=T)
    assert session.must_change
    with pytest.raises(ValueError):
        web_sessions.remember(engine, session, now=T, idle_s=IDLE_S)
