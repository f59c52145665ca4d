"""Passwords and the sign-in policy (GB/T 22239-2019 等保 2.0, §8.1.4.1 身份鉴别).

A hash is stored as ``scrypt$n$r$p$salt_hex$hash_hex`` — never the password. The policy:
passwords of at least 8 characters with three of the four character classes, which expire after
90 days; five failed sign-ins from one address within 15 minutes lock that account *for that
address* for 15 minutes (an attacker elsewhere cannot lock the real user out, nor extend a lock
by trying while it holds), and an address failing 20 times within 15 minutes on any accounts is
held off for 15 minutes as well;
sessions end after 15 idle minutes. Every number is configurable (``Policy``). An unknown user
costs exactly what a known one does (one scrypt check against a fixed dummy hash), so timing does
not tell which names exist.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import string
from dataclasses import dataclass

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1


class AuthError(ValueError):
    """Sign-in refused; the message is safe to show (it never says which part was wrong)."""


@dataclass(frozen=True)
class Policy:
    min_length: int = 8
    min_classes: int = 3  # of: lower case, upper case, digits, other characters
    max_age_days: int = 90  # 0: passwords never expire
    lockout_failures: int = 5
    lockout_minutes: float = 15.0
    address_failures: int = 20  # from one address, on any accounts
    idle_minutes: float = 15.0

    @property
    def window_s(self) -> float:
        return self.lockout_minutes * 60.0


DEFAULT_POLICY = Policy()


def character_classes(password: str) -> int:
    groups = (string.ascii_lowercase, string.ascii_uppercase, string.digits)
    found = [any(c in g for c in password) for g in groups]
    found.append(any(not c.isalnum() or not c.isascii() for c in password))
    return sum(found)


def check_complexity(password: str, policy: Policy = DEFAULT_POLICY, *, username: str = "") -> None:
    """Raise ``AuthError`` naming the rule a new password breaks."""
    if len(password) < policy.min_length:
        raise AuthError(f"密码至少需要 {policy.min_length} 个字符。")
    if character_classes(password) < policy.min_classes:
        raise AuthError(f"密码需包含小写字母、大写字母、数字、其他符号四类中的至少 {policy.min_classes} 类。")
    if username and username.lower() in password.lower():
        raise AuthError("密码不能包含用户名。")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=len(hash_hex) // 2
    )
    return hmac.compare_digest(digest.hex(), hash_hex)


# Checked when a name is unknown, so that answer costs one scrypt like any other.
DUMMY_HASH = hash_password("unknown-user-Dummy-1", salt=b"\x00" * 16)


def locked_for_s(failures_at: list[float], now: float, *, threshold: int, window_s: float) -> float:
    """Seconds a lock still holds, given the times (epoch seconds) of failures: the
    ``threshold``-th failure within ``window_s`` starts a lock of ``window_s``; 0 when not locked.
    (Refused attempts during a lock are not failures, so trying again does not extend it.)"""
    times = sorted(failures_at)
    for k in range(len(times) - 1, threshold - 2, -1):
        if times[k] - times[k - threshold + 1] < window_s and now < times[k] + window_s:
            return times[k] + window_s - now
    return 0.0
