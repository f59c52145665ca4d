"""Accounts kept by the app: scrypt password hashes (never plain text) and slowed-down sign-in.

A hash is stored as ``scrypt$n$r$p$salt_hex$hash_hex``. After failed attempts the next try for
that account must wait ``2 ** (failures - 3)`` seconds (from the third failure, capped at 15
minutes), which makes guessing impractical without locking out the real user for long.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
MAX_DELAY_S = 15 * 60
MIN_PASSWORD_LEN = 8


class AuthError(ValueError):
    """Sign-in refused; the message is safe to show (it never says which part was wrong)."""


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    if len(password) < MIN_PASSWORD_LEN:
        raise AuthError(f"密码至少需要 {MIN_PASSWORD_LEN} 个字符。")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, hash_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r),
                            p=int(p), dklen=len(hash_hex) // 2)
    return hmac.compare_digest(digest.hex(), hash_hex)


def required_delay_s(failures: int) -> float:
    """Seconds to wait before the next attempt after ``failures`` consecutive failures."""
    if failures < 3:
        return 0.0
    return float(min(2 ** (failures - 3), MAX_DELAY_S))


@dataclass(frozen=True)
class SignInState:
    failures: int
    last_failure_at: float | None  # epoch seconds

    def wait_s(self, now: float) -> float:
        if self.last_failure_at is None:
            return 0.0
        return max(0.0, self.last_failure_at + required_delay_s(self.failures) - now)
