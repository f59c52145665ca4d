import pytest

from store import auth


def test_hash_is_slow_kdf_and_verifies():
    stored = auth.hash_password("correct horse")
    assert stored.startswith("scrypt$16384$8$1$") and "correct horse" not in stored
    assert auth.verify_password("correct horse", stored)
    assert not auth.verify_password("wrong horse!", stored)
    assert auth.hash_password("correct horse") != stored  # salted
    assert not auth.verify_password("x", "garbage")
    with pytest.raises(auth.AuthError, match="至少"):
        auth.hash_password("short")


def test_failed_sign_ins_are_slowed_down():
    assert [auth.required_delay_s(n) for n in (0, 2, 3, 4, 6)] == [0, 0, 1, 2, 8]
    assert auth.required_delay_s(40) == auth.MAX_DELAY_S
    state = auth.SignInState(failures=5, last_failure_at=100.0)
    assert state.wait_s(101.0) == 3.0 and state.wait_s(200.0) == 0.0
