"""Sign-ins remembered by the browser: a reload, a second tab or a phone that dropped the page in
the background stays signed in, within the same limits as the Streamlit session itself.

The browser holds a random token in an HttpOnly, SameSite=Strict cookie set by ``server.py``; the
store keeps only its SHA-256. A remembered sign-in ends when the user signs out, when the account
is signed out everywhere, disabled or given another role (the account's session epoch), and after
the idle limit without activity. Times are epoch seconds.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from chuangcheng.store import accounts, audit
from chuangcheng.store.db import writing

COOKIE = "cc_session"
SEEN_EVERY_S = 60.0  # activity is written at most this often per token


def _hash(token: str) -> str:
    return hashlib.sha256(str(token).encode("utf-8", "replace")).hexdigest()


def remember(
    engine: sa.Engine, session: accounts.Session, *, now: float, idle_s: float, address: str | None = None
) -> str:
    """A new token for ``session`` (signed in, no password change pending); returns the token."""
    if session.must_change:
        raise ValueError("a session that must change its password is not remembered")
    token = secrets.token_urlsafe(32)
    with writing(engine) as conn:
        # Tokens idle beyond the limit can never be used again: drop them while here.
        conn.execute(sa.text("DELETE FROM web_sessions WHERE last_seen < :t"), {"t": now - max(idle_s, 1.0)})
        conn.execute(
            sa.text(
                "INSERT INTO web_sessions (token_hash, username, epoch, created_at, last_seen, address) "
                "VALUES (:h, :u, :e, :now, :now, :a)"
            ),
            {
                "h": _hash(token),
                "u": session.actor.username,
                "e": session.epoch,
                "now": now,
                "a": (address or "")[:64] or None,
            },
        )
    return token


def recall(
    engine: sa.Engine, token: str | None, *, now: float, idle_s: float, address: str | None = None
) -> accounts.Session | None:
    """The session a token stands for, as the account is now; None when unknown, idle too long,
    or ended (signed out everywhere, disabled, role changed). A recall counts as activity."""
    if not token or len(token) > 200:
        return None
    with engine.connect() as conn:
        row = (
            conn.execute(
                sa.text("SELECT username, epoch, last_seen FROM web_sessions WHERE token_hash = :h"),
                {"h": _hash(token)},
            )
            .mappings()
            .first()
        )
    if row is None:
        return None
    if idle_s and now - float(row["last_seen"]) > idle_s:
        forget(engine, token)
        return None
    found = accounts.find_user(engine, row["username"])
    if found is None or found.epoch != int(row["epoch"]):
        forget(engine, token)
        return None
    with writing(engine) as conn:
        conn.execute(
            sa.text("UPDATE web_sessions SET last_seen = :now WHERE token_hash = :h"), {"now": now, "h": _hash(token)}
        )
        audit.record(conn, actor=found.actor.username, action="session_resume", address=address or accounts.LOCAL)
    return found


def seen(engine: sa.Engine, token: str | None, *, now: float, last_written: float) -> float:
    """Record activity on the token (at most every ``SEEN_EVERY_S``); returns when it was written."""
    if not token or now - last_written < SEEN_EVERY_S:
        return last_written
    with writing(engine) as conn:
        conn.execute(
            sa.text("UPDATE web_sessions SET last_seen = :now WHERE token_hash = :h"), {"now": now, "h": _hash(token)}
        )
    return now


def last_seen(engine: sa.Engine, token: str) -> float | None:
    """When the browser holding the token was last active in any tab; None once it signed out."""
    with engine.connect() as conn:
        value = conn.execute(
            sa.text("SELECT last_seen FROM web_sessions WHERE token_hash = :h"), {"h": _hash(token)}
        ).scalar()
    return None if value is None else float(value)


def forget(engine: sa.Engine, token: str | None) -> None:
    """The token no longer signs anyone in (sign-out)."""
    if not token:
        return
    with writing(engine) as conn:
        conn.execute(sa.text("DELETE FROM web_sessions WHERE token_hash = :h"), {"h": _hash(token)})
