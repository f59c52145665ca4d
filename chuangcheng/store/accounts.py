"""Accounts, roles and sign-in, kept in the store; the registry of 责任单位 beside them.

Every change goes through a function here that checks the acting user's role
(``geo.permissions``) and writes an audit line in the same transaction: who, when, from which
address, what. The policy (``store.auth.Policy``): complex passwords that expire, locks per
account *and* address, equal cost for unknown names, forced change after a reset or expiry,
sign-out everywhere. A new store has no accounts: its first start asks for the three
administrators (三员), proven by a one-time setup code the server prints and keeps on its disk.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa

from chuangcheng.geo.workflow import ADMIN, ADMIN_ROLES, BUSINESS_ROLES, ROLES, SECURITY, UNIT, Actor
from chuangcheng.store import audit, auth, changes
from chuangcheng.store.db import writing
from chuangcheng.store.errors import RecordError, StoreError, require

SETUP_CODE_KEY = "setup_code_sha256"
LOCAL = "本机"  # the address recorded when a request has none (command line, tests)


# ------------------------------------------------------------------------------ units


def add_units(conn: sa.Connection, units: list[dict], *, at: datetime | None = None) -> int:
    """Register units (``name``, optional ``kind`` and ``district_code``) that are not there yet."""
    existing = {r[0] for r in conn.execute(sa.text("SELECT name FROM units"))}
    fresh = [u for u in units if u["name"] not in existing]
    if fresh:
        conn.execute(
            sa.text(
                "INSERT INTO units (name, kind, district_code, created_at) VALUES (:name, :kind, :district_code, :at)"
            ),
            [
                {
                    "name": u["name"],
                    "kind": u.get("kind", ""),
                    "district_code": u.get("district_code"),
                    "at": at or datetime.now(),
                }
                for u in fresh
            ],
        )
        changes.bump(conn, "accounts")
    return len(fresh)


def register_unit(
    engine: sa.Engine,
    actor: Actor,
    name: str,
    *,
    kind: str = "",
    district_code: str | None = None,
    address: str | None = None,
) -> None:
    require(actor, "unit.add")
    name = str(name).strip()
    if not name or len(name) > 128:
        raise RecordError("单位名称不能为空，且不超过 128 个字。")
    with writing(engine) as conn:
        if not add_units(conn, [{"name": name, "kind": kind, "district_code": district_code}]):
            raise RecordError(f"单位 “{name}” 已在名录中。")
        audit.record(conn, actor=actor.username, action="unit_add", target=name, address=address)


def read_units(engine: sa.Engine) -> pd.DataFrame:
    """Every registered unit with its number of (enabled) accounts (``accounts``)."""
    with engine.connect() as conn:
        return pd.read_sql(
            sa.text(
                "SELECT u.name, u.kind, u.district_code, COUNT(a.username) AS accounts FROM units u "
                "LEFT JOIN users a ON a.unit = u.name AND NOT a.disabled "
                "GROUP BY u.name, u.kind, u.district_code ORDER BY u.name"
            ),
            conn,
        )


def dispatchable_units(engine: sa.Engine) -> list[str]:
    """The units a case can be sent to: registered and with at least one account."""
    units = read_units(engine)
    return units.loc[units["accounts"] > 0, "name"].tolist()


# ------------------------------------------------------------------------------ accounts


def _check_username(username: str) -> str:
    username = str(username).strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise auth.AuthError("用户名不能为空、不能含空格，且不超过 64 个字符。")
    return username


def insert_user(
    conn: sa.Connection,
    username: str,
    password: str,
    *,
    role: str,
    display_name: str = "",
    unit: str | None = None,
    must_change: bool = False,
    policy: auth.Policy = auth.DEFAULT_POLICY,
    now: datetime | None = None,
) -> None:
    username = _check_username(username)
    if role not in ROLES:
        raise auth.AuthError(f"角色应为 {'、'.join(ROLES)} 之一。")
    auth.check_complexity(password, policy, username=username)
    if role == UNIT:
        if not unit:
            raise auth.AuthError("责任单位账号需要指定所属单位。")
        if not conn.execute(sa.text("SELECT 1 FROM units WHERE name = :u"), {"u": unit}).first():
            raise auth.AuthError(f"单位 “{unit}” 不在单位名录中，请先登记该单位。")
    if conn.execute(sa.text("SELECT 1 FROM users WHERE username = :u"), {"u": username}).first():
        raise auth.AuthError(f"用户名 “{username}” 已存在。")
    conn.execute(
        sa.text(
            "INSERT INTO users (username, display_name, role, unit, password_hash, must_change, password_changed_at) "
            "VALUES (:u, :d, :r, :unit, :h, :m, :t)"
        ),
        {
            "u": username,
            "d": display_name or username,
            "r": role,
            "unit": unit if role == UNIT else None,
            "h": auth.hash_password(password),
            "m": must_change,
            "t": now or datetime.now(),
        },
    )
    changes.bump(conn, "accounts")


def create_user(
    engine: sa.Engine,
    actor: Actor,
    username: str,
    password: str,
    *,
    role: str,
    display_name: str = "",
    unit: str | None = None,
    address: str | None = None,
    policy: auth.Policy = auth.DEFAULT_POLICY,
) -> None:
    """A new account with a business role (系统管理员); the user must change the initial password.
    Administrator roles are granted by the 安全管理员 (``set_role``)."""
    require(actor, "account.create")
    if role not in BUSINESS_ROLES:
        raise auth.AuthError(f"系统管理员只能创建 {'、'.join(BUSINESS_ROLES)} 账号；管理员角色由安全管理员授予。")
    with writing(engine) as conn:
        insert_user(
            conn, username, password, role=role, display_name=display_name, unit=unit, must_change=True, policy=policy
        )
        audit.record(
            conn,
            actor=actor.username,
            action="user_create",
            target=username,
            address=address,
            detail={"role": role, "unit": unit},
        )


def _user(conn: sa.Connection, username: str) -> dict:
    row = conn.execute(sa.text("SELECT * FROM users WHERE username = :u"), {"u": username}).mappings().first()
    if row is None:
        raise RecordError(f"没有用户 “{username}”。")
    return dict(row)


def reset_password(
    engine: sa.Engine,
    actor: Actor,
    username: str,
    temporary: str,
    *,
    address: str | None = None,
    policy: auth.Policy = auth.DEFAULT_POLICY,
) -> None:
    """A temporary password that must be changed at the next sign-in (系统管理员)."""
    require(actor, "account.reset_password")
    auth.check_complexity(temporary, policy, username=username)
    with writing(engine) as conn:
        _user(conn, username)
        conn.execute(
            sa.text(
                "UPDATE users SET password_hash = :h, must_change = :m, session_epoch = session_epoch + 1 "
                "WHERE username = :u"
            ),
            {"h": auth.hash_password(temporary), "m": True, "u": username},
        )
        audit.record(conn, actor=actor.username, action="password_reset", target=username, address=address)
        changes.bump(conn, "accounts")


def change_password(
    engine: sa.Engine,
    username: str,
    old: str,
    new: str,
    *,
    address: str | None = None,
    policy: auth.Policy = auth.DEFAULT_POLICY,
    now: datetime | None = None,
) -> int:
    """The user's own change: the current password proves it is them. Every session of the
    account ends (someone who knew the old password is signed out everywhere); returns the new
    session epoch, with which the session that made the change carries on."""
    if old == new:
        raise auth.AuthError("新密码不能与当前密码相同。")
    auth.check_complexity(new, policy, username=username)
    with writing(engine) as conn:
        row = conn.execute(sa.text("SELECT password_hash FROM users WHERE username = :u"), {"u": username}).first()
        proven = row is not None and auth.verify_password(old, row[0])
        if not proven:
            audit.record(conn, actor=username, action="password_change_failed", target=username, address=address)
    if not proven:  # raised after the block, so the failure's audit line is committed
        raise auth.AuthError("当前密码不正确。")
    with writing(engine) as conn:
        conn.execute(
            sa.text(
                "UPDATE users SET password_hash = :h, must_change = :m, password_changed_at = :t, "
                "session_epoch = session_epoch + 1 WHERE username = :u"
            ),
            {"h": auth.hash_password(new), "m": False, "t": now or datetime.now(), "u": username},
        )
        audit.record(conn, actor=username, action="password_change", target=username, address=address)
        epoch = conn.execute(sa.text("SELECT session_epoch FROM users WHERE username = :u"), {"u": username}).scalar()
    return int(epoch)


def set_role(
    engine: sa.Engine, actor: Actor, username: str, role: str, *, unit: str | None = None, address: str | None = None
) -> None:
    """Grant a role (安全管理员); the account's sessions end so the new role applies at once."""
    require(actor, "account.set_role")
    if role not in ROLES:
        raise auth.AuthError(f"角色应为 {'、'.join(ROLES)} 之一。")
    if username == actor.username:
        raise auth.AuthError("不能修改自己的角色。")
    with writing(engine) as conn:
        before = _user(conn, username)
        if role == UNIT and not (
            unit and conn.execute(sa.text("SELECT 1 FROM units WHERE name = :u"), {"u": unit}).first()
        ):
            raise auth.AuthError("责任单位账号需要指定名录中的单位。")
        conn.execute(
            sa.text("UPDATE users SET role = :r, unit = :unit, session_epoch = session_epoch + 1 WHERE username = :u"),
            {"r": role, "unit": unit if role == UNIT else None, "u": username},
        )
        audit.record(
            conn,
            actor=actor.username,
            action="role_change",
            target=username,
            address=address,
            detail={"from": before["role"], "to": role, "unit": unit},
        )
        changes.bump(conn, "accounts")


def set_disabled(engine: sa.Engine, actor: Actor, username: str, disabled: bool, *, address: str | None = None) -> None:
    require(actor, "account.disable")
    if username == actor.username:
        raise auth.AuthError("不能停用自己的账号。")
    with writing(engine) as conn:
        _user(conn, username)
        conn.execute(
            sa.text("UPDATE users SET disabled = :d, session_epoch = session_epoch + 1 WHERE username = :u"),
            {"d": bool(disabled), "u": username},
        )
        audit.record(
            conn,
            actor=actor.username,
            action="user_disable" if disabled else "user_enable",
            target=username,
            address=address,
        )
        changes.bump(conn, "accounts")


def unlock(engine: sa.Engine, actor: Actor, username: str, *, address: str | None = None) -> int:
    """Clear the account's failed sign-ins from every address (安全管理员)."""
    require(actor, "account.unlock")
    with writing(engine) as conn:
        n = conn.execute(sa.text("DELETE FROM sign_in_failures WHERE username = :u"), {"u": username}).rowcount
        audit.record(
            conn,
            actor=actor.username,
            action="user_unlock",
            target=username,
            address=address,
            detail={"failures_cleared": n},
        )
    return n


def sign_out_everywhere(engine: sa.Engine, actor: Actor, username: str, *, address: str | None = None) -> None:
    """End every session of the account (the user's own choice, or the 安全管理员's)."""
    if username != actor.username:
        require(actor, "account.sign_out_everywhere")
    with writing(engine) as conn:
        _user(conn, username)
        conn.execute(sa.text("UPDATE users SET session_epoch = session_epoch + 1 WHERE username = :u"), {"u": username})
        audit.record(conn, actor=actor.username, action="sign_out_everywhere", target=username, address=address)


def read_users(engine: sa.Engine, actor: Actor) -> pd.DataFrame:
    """Accounts for the administrators' pages (never the hashes)."""
    if actor.role not in (ADMIN, SECURITY):
        require(actor, "account.set_role")
    with engine.connect() as conn:
        return pd.read_sql(
            sa.text(
                "SELECT username, display_name, role, unit, disabled, must_change, password_changed_at, "
                "(SELECT COUNT(*) FROM sign_in_failures f WHERE f.username = users.username) AS recent_failures "
                "FROM users ORDER BY role, username"
            ),
            conn,
        )


# ------------------------------------------------------------------------------ signing in


@dataclass(frozen=True)
class Session:
    """A signed-in user: who, and the account's session epoch (sign-out everywhere bumps it)."""

    actor: Actor
    epoch: int
    must_change: str = ""  # why the password must be changed now ("" when it need not)


def _failures(conn: sa.Connection, username: str, address: str, now: float, window_s: float) -> tuple[list, list]:
    """Times of recent failures (two windows back: a lock can last one window past its count)
    for this account from this address, and for any account from this address."""
    since = now - 2 * window_s
    mine = [
        r[0]
        for r in conn.execute(
            sa.text("SELECT at FROM sign_in_failures WHERE username = :u AND address = :a AND at > :since"),
            {"u": username, "a": address, "since": since},
        )
    ]
    everywhere = [
        r[0]
        for r in conn.execute(
            sa.text("SELECT at FROM sign_in_failures WHERE address = :a AND at > :since"),
            {"a": address, "since": since},
        )
    ]
    return mine, everywhere


def sign_in(
    engine: sa.Engine,
    username: str,
    password: str,
    *,
    now: float,
    address: str | None = None,
    policy: auth.Policy = auth.DEFAULT_POLICY,
) -> Session:
    """The session for a correct name and password, or ``AuthError`` (the same message and the
    same work for a wrong password and an unknown name)."""
    address = address or LOCAL
    username = str(username).strip()[:64]
    stamp = datetime.fromtimestamp(now)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT * FROM users WHERE username = :u"), {"u": username}).mappings().first()
        mine, from_address = _failures(conn, username, address, now, policy.window_s)
    wait = max(
        auth.locked_for_s(mine, now, threshold=policy.lockout_failures, window_s=policy.window_s),
        auth.locked_for_s(from_address, now, threshold=policy.address_failures, window_s=policy.window_s),
    )
    if wait > 0:
        with writing(engine) as conn:  # logged once a minute per name and address: a flood cannot fill the log
            if not audit.recently(
                conn, actor=username or "（空）", action="sign_in_locked", address=address, within_s=60, now=stamp
            ):
                audit.record(
                    conn,
                    actor=username or "（空）",
                    action="sign_in_locked",
                    address=address,
                    at=stamp,
                    detail={"wait_s": round(wait)},
                )
        raise auth.AuthError(f"登录失败次数过多，请 {max(1, round(wait / 60))} 分钟后再试，或联系安全管理员解除锁定。")
    ok = auth.verify_password(password, row["password_hash"] if row is not None else auth.DUMMY_HASH)
    ok = ok and row is not None and not row["disabled"]
    with writing(engine) as conn:  # the failure is committed before the refusal is raised
        if ok:
            conn.execute(
                sa.text("DELETE FROM sign_in_failures WHERE username = :u AND address = :a"),
                {"u": username, "a": address},
            )
            audit.record(conn, actor=username, action="sign_in", address=address, at=stamp)
        else:
            conn.execute(
                sa.text("INSERT INTO sign_in_failures (username, address, at) VALUES (:u, :a, :t)"),
                {"u": username, "a": address, "t": now},
            )
            audit.record(conn, actor=username or "（空）", action="sign_in_failed", address=address, at=stamp)
    if not ok or row is None:
        raise auth.AuthError("用户名或密码不正确。")
    why = ""
    if row["must_change"]:
        why = "管理员重置了您的密码，请设置新密码后继续。"
    elif policy.max_age_days and row["password_changed_at"] is not None:
        changed = pd.Timestamp(row["password_changed_at"]).to_pydatetime()
        if stamp - changed > timedelta(days=policy.max_age_days):
            why = f"密码已使用超过 {policy.max_age_days} 天，请设置新密码后继续。"
    return Session(Actor(row["username"], row["role"], row["unit"]), int(row["session_epoch"]), why)


def current_session(engine: sa.Engine, session: Session) -> Session | None:
    """The session as it stands now: None when the account was disabled, removed or signed out
    everywhere; the role and unit as they are now (a role change takes effect at once)."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                sa.text("SELECT username, role, unit, disabled, session_epoch FROM users WHERE username = :u"),
                {"u": session.actor.username},
            )
            .mappings()
            .first()
        )
    if row is None or row["disabled"] or int(row["session_epoch"]) != session.epoch:
        return None
    return Session(Actor(row["username"], row["role"], row["unit"]), session.epoch, session.must_change)


def record_sign_out(engine: sa.Engine, actor: Actor, *, address: str | None = None, reason: str = "") -> None:
    with writing(engine) as conn:
        audit.record(
            conn,
            actor=actor.username,
            action="sign_out",
            address=address or LOCAL,
            detail={"reason": reason} if reason else None,
        )


def find_user(engine: sa.Engine, username: str) -> Session | None:
    """An enabled account by name (for a trusted single-sign-on header)."""
    with engine.connect() as conn:
        row = (
            conn.execute(
                sa.text("SELECT username, role, unit, disabled, session_epoch FROM users WHERE username = :u"),
                {"u": username},
            )
            .mappings()
            .first()
        )
    if row is None or row["disabled"]:
        return None
    return Session(Actor(row["username"], row["role"], row["unit"]), int(row["session_epoch"]))


# ------------------------------------------------------------------------------ the first start


def has_accounts(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa.text("SELECT COUNT(*) FROM users")).scalar())


def _missing(conn: sa.Connection) -> tuple[str, ...]:
    held = {row[0] for row in conn.execute(sa.text("SELECT DISTINCT role FROM users WHERE NOT disabled"))}
    return tuple(role for role in ADMIN_ROLES if role not in held)


def missing_administrators(engine: sa.Engine) -> tuple[str, ...]:
    """The administrator roles (三权分立) no enabled account holds: all three in a new store; in a
    store from before the three roles, the 安全管理员 and 审计管理员."""
    with engine.connect() as conn:
        return _missing(conn)


def issue_setup_code(engine: sa.Engine) -> str | None:
    """A one-time code proving the missing administrators are set up by whoever runs the server
    (only its hash is stored). None when every administrator role has an account."""
    if not missing_administrators(engine):
        return None
    code = "-".join(secrets.token_hex(2).upper() for _ in range(4))
    with writing(engine) as conn:
        conn.execute(sa.text("DELETE FROM meta WHERE key = :k"), {"k": SETUP_CODE_KEY})
        conn.execute(
            sa.text("INSERT INTO meta (key, value) VALUES (:k, :v)"),
            {"k": SETUP_CODE_KEY, "v": hashlib.sha256(code.encode()).hexdigest()},
        )
    return code


def set_up_administrators(
    engine: sa.Engine,
    code: str,
    accounts: dict[str, tuple[str, str]],
    *,
    address: str | None = None,
    policy: auth.Policy = auth.DEFAULT_POLICY,
) -> None:
    """Create the missing administrators (``missing_administrators``): ``accounts`` maps each
    missing role of 系统管理员, 安全管理员, 审计管理员 to (username, password)."""
    missing = missing_administrators(engine)
    if not missing:
        raise StoreError("系统已经初始化过，不能再次设置管理员。")
    if set(accounts) != set(missing):
        raise auth.AuthError(f"需要同时设置 {'、'.join(missing)} 账号。")
    names = [name for name, _ in accounts.values()]
    if len(set(names)) != len(names):
        raise auth.AuthError("各管理员账号必须各不相同（三权分立）。")
    given = hashlib.sha256(str(code).strip().upper().encode()).hexdigest()

    def proven(conn) -> bool:
        stored = conn.execute(sa.text("SELECT value FROM meta WHERE key = :k"), {"k": SETUP_CODE_KEY}).scalar()
        return bool(stored) and hmac.compare_digest(stored, given)

    with writing(engine) as conn:
        ok = proven(conn)
        if not ok:
            audit.record(conn, actor="（初始化）", action="setup_failed", address=address or LOCAL)
    if not ok:  # raised after the block, so the failure's audit line is committed
        raise auth.AuthError("初始化码不正确。初始化码在服务器启动时打印在控制台，并写在服务器的 data/user/ 目录中。")
    with writing(engine) as conn:
        if _missing(conn) != missing or not proven(conn):
            raise StoreError("系统已经初始化过，不能再次设置管理员。")
        for role, (username, password) in accounts.items():
            insert_user(conn, username, password, role=role, display_name=role, policy=policy)
        conn.execute(sa.text("DELETE FROM meta WHERE key = :k"), {"k": SETUP_CODE_KEY})
        audit.record(
            conn,
            actor="（初始化）",
            action="setup_administrators",
            address=address or LOCAL,
            detail={role: name for role, (name, _) in accounts.items()},
        )
