"""Accounts and the registry of 责任单位: who can sign in, in which role, for which unit.

Passwords are kept as scrypt hashes (``store.auth``); after failed attempts the next one must
wait longer. A 责任单位 account belongs to a unit of the registry (``units``), and a case can only
be dispatched to a unit that has an account.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from geo.workflow import ADMIN, ROLES, UNIT, Actor
from store import audit, auth, changes
from store.db import writing
from store.errors import PermissionDenied


def add_units(conn: sa.Connection, units: list[dict], *, at: datetime | None = None) -> int:
    """Register units (``name``, optional ``kind`` and ``district_code``) that are not there yet."""
    existing = {r[0] for r in conn.execute(sa.text("SELECT name FROM units"))}
    fresh = [u for u in units if u["name"] not in existing]
    if fresh:
        conn.execute(sa.text("INSERT INTO units (name, kind, district_code, created_at) "
                             "VALUES (:name, :kind, :district_code, :at)"),
                     [{"name": u["name"], "kind": u.get("kind", ""), "district_code": u.get("district_code"),
                       "at": at or datetime.now()} for u in fresh])
        changes.bump(conn, "accounts")
    return len(fresh)


def read_units(engine: sa.Engine) -> pd.DataFrame:
    """Every registered unit with its number of accounts (``accounts``)."""
    with engine.connect() as conn:
        return pd.read_sql(sa.text(
            "SELECT u.name, u.kind, u.district_code, COUNT(a.username) AS accounts FROM units u "
            "LEFT JOIN users a ON a.unit = u.name GROUP BY u.name, u.kind, u.district_code ORDER BY u.name"),
            conn)


def dispatchable_units(engine: sa.Engine) -> list[str]:
    """The units a case can be sent to: registered and with at least one account."""
    units = read_units(engine)
    return units.loc[units["accounts"] > 0, "name"].tolist()


def insert_user(conn: sa.Connection, username: str, password: str, *, role: str, display_name: str = "",
                unit: str | None = None) -> None:
    if role not in ROLES:
        raise auth.AuthError(f"角色应为 {'、'.join(ROLES)} 之一。")
    if not username or len(username) > 64:
        raise auth.AuthError("用户名不能为空，且不超过 64 个字符。")
    if role == UNIT:
        if not unit:
            raise auth.AuthError("责任单位账号需要指定所属单位。")
        if not conn.execute(sa.text("SELECT 1 FROM units WHERE name = :u"), {"u": unit}).first():
            raise auth.AuthError(f"单位 “{unit}” 不在单位名录中，请先登记该单位。")
    if conn.execute(sa.text("SELECT 1 FROM users WHERE username = :u"), {"u": username}).first():
        raise auth.AuthError(f"用户名 “{username}” 已存在。")
    conn.execute(sa.text(
        "INSERT INTO users (username, display_name, role, unit, password_hash) VALUES (:u, :d, :r, :unit, :h)"),
        {"u": username, "d": display_name or username, "r": role, "unit": unit if role == UNIT else None,
         "h": auth.hash_password(password)})
    changes.bump(conn, "accounts")


def create_user(engine: sa.Engine, username: str, password: str, *, role: str, display_name: str = "",
                unit: str | None = None, actor: Actor | None = None) -> None:
    """A new account. With ``actor`` given (the pages), only a 管理员 may create one."""
    if actor is not None and actor.role != ADMIN:
        raise PermissionDenied("只有管理员可以创建账号。")
    with writing(engine) as conn:
        insert_user(conn, username, password, role=role, display_name=display_name, unit=unit)
        if actor is not None:
            audit.record(conn, actor=actor.username, action="user_create", target=username,
                         detail={"role": role, "unit": unit})


def sign_in(engine: sa.Engine, username: str, password: str, *, now: float) -> Actor:
    """The signed-in actor, or ``AuthError``; failures slow the next attempt down."""
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT * FROM users WHERE username = :u"), {"u": username}).mappings().first()
    if row is None:
        auth.verify_password(password, auth.hash_password("x" * auth.MIN_PASSWORD_LEN))  # same cost
        raise auth.AuthError("用户名或密码不正确。")
    wait = auth.SignInState(row["failures"], row["last_failure_at"]).wait_s(now)
    if wait > 0:
        raise auth.AuthError(f"尝试过于频繁，请 {max(1.0, wait):.0f} 秒后再试。")
    ok = auth.verify_password(password, row["password_hash"])
    with writing(engine) as conn:  # the failure is committed before the refusal is raised
        if ok:
            conn.execute(sa.text("UPDATE users SET failures = 0, last_failure_at = NULL WHERE username = :u"),
                         {"u": username})
        else:
            conn.execute(sa.text("UPDATE users SET failures = failures + 1, last_failure_at = :t "
                                 "WHERE username = :u"), {"t": now, "u": username})
    if not ok:
        raise auth.AuthError("用户名或密码不正确。")
    return Actor(username=row["username"], role=row["role"], unit=row["unit"])


def find_user(engine: sa.Engine, username: str) -> Actor | None:
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT username, role, unit FROM users WHERE username = :u"),
                           {"u": username}).mappings().first()
    return None if row is None else Actor(row["username"], row["role"], row["unit"])
