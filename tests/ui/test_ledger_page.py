"""AppTest of the 问题台账 page: sign-in, role-limited views, a workflow step, statistics."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.ledger.seed import DEMO_PASSWORD

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "ledger.py")


@pytest.fixture
def page(demo_city_path, monkeypatch, tmp_path):
    monkeypatch.setenv("CHUANGCHENG_CITY_DATA", str(demo_city_path))
    monkeypatch.setenv("CHUANGCHENG_LEDGER_URL", f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    return AppTest.from_file(PAGE, default_timeout=240)


def _sign_in(at, user, password=DEMO_PASSWORD):
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def test_sign_in_is_required_and_wrong_passwords_are_refused(page):
    at = page.run()
    assert not at.exception and at.text_input(key="login_user") is not None
    _sign_in(at, "inspector", "wrong-password")
    assert any("不正确" in e.value for e in at.error)


def test_inspector_sees_the_ledger_and_moves_a_case(page):
    at = _sign_in(page.run(), "inspector")
    assert not at.exception
    page_text = "\n".join(m.value for m in at.markdown)
    assert "结案率" in page_text and "按期结案率" in page_text
    options = at.selectbox(key="led_case").options
    assert len(options) > 10
    at.selectbox(key="led_action").set_value(at.selectbox(key="led_action").options[0])
    at.text_input(key="led_note").input("测试处置说明")
    at.button(key="FormSubmitter:led_move-提交").click().run()
    assert not at.exception


def test_a_unit_account_sees_only_its_own_cases(page):
    at = _sign_in(page.run(), "unit01")
    assert not at.exception
    caption = "\n".join(c.value for c in at.caption)
    assert "责任单位" in caption
    at2 = _sign_in(AppTest.from_file(PAGE, default_timeout=240).run(), "inspector")
    assert len(at.selectbox(key="led_case").options) < len(at2.selectbox(key="led_case").options)


def test_whole_dashboard_can_require_sign_in(demo_city_path, monkeypatch, tmp_path):
    monkeypatch.setenv("CHUANGCHENG_CITY_DATA", str(demo_city_path))
    monkeypatch.setenv("CHUANGCHENG_LEDGER_URL", f"sqlite:///{tmp_path / 'gate.sqlite'}")
    monkeypatch.setenv("CHUANGCHENG_REQUIRE_SIGN_IN", "1")
    at = AppTest.from_file(str(Path(PAGE).parents[1] / "dashboard.py"), default_timeout=240).run()
    assert not at.exception
    assert at.text_input(key="login_user") is not None
    assert not any("创城作战图" in m.value and "cc-header" in m.value for m in at.markdown)
    _sign_in(at, "leader")
    assert not at.exception
    assert any("创城作战图" in m.value for m in at.markdown)
