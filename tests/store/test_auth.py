"""Passwords and the lock rule, as pure functions (GB/T 22239-2019 §8.1.4.1)."""

import pytest

from chuangcheng.store import auth


def test_hash_is_a_salted_slow_kdf_that_verifies():
    stored = auth.hash_password("Correct-horse-1")
    assert stored.startswith("scrypt$16384$8$1$") and "horse" not in stored
    assert auth.verify_password("Correct-horse-1", stored)
    assert not auth.verify_password("Correct-horse-2", stored)
    assert auth.hash_password("Correct-horse-1") != stored  # salted
    assert not auth.verify_password("x", "garbage") and not auth.verify_password("x", "md5$1$2$3$aa$bb")


@pytest.mark.parametrize(
    "password, rule",
    [
        ("Ab1!", "至少需要 8"),  # too short
        ("abcdefgh12", "至少 3 类"),  # two classes
        ("ABCDEFGH!!", "至少 3 类"),
        ("zhangsan-Pass1", "不能包含用户名"),
    ],
)
def test_complexity_names_the_rule_broken(password, rule):
    with pytest.raises(auth.AuthError, match=rule):
        auth.check_complexity(password, username="ZhangSan")


@pytest.mark.parametrize("password", ["abcdEFGH12", "abcd efgh 12", "密码Abcd1234", "Xy1!Xy1!"])
def test_three_of_four_classes_pass(password):
    auth.check_complexity(password, username="li")


def test_character_classes_counts_each_class_once():
    assert [auth.character_classes(p) for p in ("aaaa", "aA", "aA1", "aA1!", "中文")] == [1, 2, 3, 4, 1]


def test_a_lock_lasts_its_window_from_the_failure_that_reached_the_threshold():
    window = 900.0
    fails = [100.0, 200.0, 300.0, 400.0]
    assert auth.locked_for_s(fails, 450.0, threshold=5, window_s=window) == 0.0
    fails.append(500.0)  # the fifth within 900 s: locked until 500 + 900
    assert auth.locked_for_s(fails, 500.0, threshold=5, window_s=window) == 900.0
    assert auth.locked_for_s(fails, 1399.0, threshold=5, window_s=window) == 1.0
    assert auth.locked_for_s(fails, 1400.0, threshold=5, window_s=window) == 0.0
    # five failures spread over more than the window never lock
    assert auth.locked_for_s([0.0, 300.0, 600.0, 900.0, 1200.0], 1200.0, threshold=5, window_s=window) == 0.0
