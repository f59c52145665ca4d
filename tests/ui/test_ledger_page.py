"""AppTest of the 问题台账 page on the demo store: sign-in, role-limited views, workflow moves
that really move the case, a stale form refused, a new case shown at once, statistics."""

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from chuangcheng import store
from chuangcheng.demo.ledger import DEMO_PASSWORD
from chuangcheng.geo.workflow import INSPECTOR, Actor
from chuangcheng.store import ledger
from tests.ui.helpers import shown

PAGE = str(Path(__file__).resolve().parents[2] / "chuangcheng" / "views" / "ledger.py")
INSP = Actor("inspector", INSPECTOR)


@pytest.fixture
def url(demo_store_url, monkeypatch):
    monkeypatch.setenv("CHUANGCHENG_STORE_URL", demo_store_url)
    return demo_store_url


@pytest.fixture
def page(url):
    return AppTest.from_file(PAGE, default_timeout=240)


def _sign_in(at, user, password=DEMO_PASSWORD):
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def _errors(at) -> str:
    return "\n".join(shown(e) for e in at.error)


def _new_case(url) -> int:
    engine = store.open_store(url)
    cid = ledger.create_case(engine, INSP, title="测试：店外经营", source="督查", at=datetime.now())
    engine.dispose()
    return cid


def test_sign_in_is_required_and_wrong_passwords_are_refused(page):
    at = page.run()
    assert not at.exception and at.text_input(key="login_user") is not None
    _sign_in(at, "inspector", "wrong-password")
    assert "不正确" in _errors(at)


def test_inspector_registers_a_case_and_the_store_has_it(page, url):
    cid = _new_case(url)
    at = _sign_in(page.run(), "inspector")
    at.selectbox(key="led_case").set_value(cid).run()
    assert at.selectbox(key="led_action").options == ["立案", "不予立案", "作废"]
    at.selectbox(key="led_action").set_value("register")
    at.button(key=f"FormSubmitter:led_move_{cid}-提交").click().run()
    assert not at.exception and not _errors(at)
    engine = store.open_store(url)
    assert ledger.read_case(engine, cid).state == "立案"
    assert ledger.read_events(engine, cid)["action"].tolist() == ["report", "register"]


def test_a_stale_form_is_refused_never_turned_into_another_move(page, url):
    cid = _new_case(url)
    at = _sign_in(page.run(), "inspector")
    at.selectbox(key="led_case").set_value(cid).run()
    at.selectbox(key="led_action").set_value("decline")  # 不予立案, needs a note
    at.text_input(key="led_note").input("重复上报")
    # Meanwhile another user registers the case: 不予立案 is no longer possible, 作废 is.
    engine = store.open_store(url)
    ledger.transition(engine, INSP, cid, "register", expected_version=1, at=datetime.now())
    at.button(key=f"FormSubmitter:led_move_{cid}-提交").click().run()
    assert "已被他人修改，请刷新" in _errors(at)
    case = ledger.read_case(engine, cid)
    assert case.state == "立案" and case.version == 2  # neither 不予立案 nor 作废 was applied
    assert ledger.read_events(engine, cid)["action"].tolist() == ["report", "register"]


def test_dispatch_offers_only_units_with_accounts(page, url):
    cid = _new_case(url)
    engine = store.open_store(url)
    ledger.transition(engine, INSP, cid, "register", expected_version=1, at=datetime.now())
    at = _sign_in(page.run(), "inspector")
    at.selectbox(key="led_case").set_value(cid).run()
    from chuangcheng.store import accounts

    assert at.selectbox(key="led_unit").options == accounts.dispatchable_units(engine)
    unit = at.selectbox(key="led_unit").options[0]
    at.selectbox(key="led_action").set_value("dispatch")
    at.selectbox(key="led_unit").set_value(unit)
    at.button(key=f"FormSubmitter:led_move_{cid}-提交").click().run()
    assert not _errors(at)
    case = ledger.read_case(engine, cid)
    assert case.state == "已派遣" and case.unit == unit


def test_a_reported_case_appears_in_the_table_at_once(page, url):
    at = _sign_in(page.run(), "inspector")
    before = len(at.selectbox(key="led_case").options)
    at.text_input(key="rep_title").input("页面上报：垃圾堆放")
    at.button(key="FormSubmitter:led_report-上报").click().run()
    assert not at.exception and not _errors(at)
    assert any("已上报，案件编号" in shown(s) for s in at.success)
    options = at.selectbox(key="led_case").options
    assert len(options) == before + 1
    engine = store.open_store(url)
    newest = ledger.read_cases(engine).iloc[-1]
    assert newest["title"] == "页面上报：垃圾堆放" and f"{newest['id']} · 页面上报：垃圾堆放" in options


def test_a_unit_account_sees_only_its_own_cases(page, url):
    at = _sign_in(page.run(), "unit001")
    assert not at.exception
    engine = store.open_store(url)
    from chuangcheng.store import accounts

    unit = accounts.find_user(engine, "unit001").actor.unit
    own = ledger.read_cases(engine)
    own = own[(own["unit"] == unit) & ~own["state"].isin(["作废", "不予立案"])]
    shown = sorted(int(o.split(" · ")[0]) for o in at.selectbox(key="led_case").options)
    assert shown == sorted(own["id"].tolist()) and 0 < len(shown) < len(ledger.read_cases(engine))


def test_whole_dashboard_can_require_sign_in(url, monkeypatch):
    monkeypatch.delenv("CHUANGCHENG_DEMO_MODE")
    at = AppTest.from_file(str(Path(PAGE).parents[2] / "dashboard.py"), default_timeout=240).run()
    assert not at.exception
    assert at.text_input(key="login_user") is not None
    assert not any("创城作战图" in m.value and "cc-header" in m.value for m in at.markdown)
    _sign_in(at, "leader")
    assert not at.exception
    assert any("创城作战图" in m.value for m in at.markdown)


def test_the_statistics_read_as_chinese_with_percentages(page, url):
    at = _sign_in(page.run(), "leader")
    assert not at.exception
    tables = [t.value for t in at.dataframe if "按期结案率" in t.value.columns]
    assert len(tables) == 3  # 红榜, 黑榜, all units
    whole = tables[-1]
    assert "责任单位" in whole.columns and "unit" not in whole.columns
    rates = whole["按期结案率"].dropna()
    # Shown in per cent: the demo's units close on time at rates between 0 and 1 as fractions,
    # and at least one is above 1 % — so a fraction left unscaled would fail here.
    assert rates.between(0, 100).all() and (rates > 1).any()
    assert (whole["按期结案数"] <= whole["应结案数"]).all()
    due = whole["应结案数"] > 0
    expected = (whole.loc[due, "按期结案数"] / whole.loc[due, "应结案数"] * 100).round(6)
    assert (whole.loc[due, "按期结案率"].round(6) == expected).all()
    # what the reader sees: one decimal and a per cent sign; "—" where nothing was due, not "None"
    import pyarrow as pa

    proto = [t for t in at.dataframe if "按期结案率" in t.value.columns][-1].proto
    shown = pa.ipc.open_stream(proto.arrow_data.styler.display_values).read_pandas()
    column = list(whole.columns).index("按期结案率")
    texts = shown.iloc[:, column].tolist()
    assert all(t == "—" if pd.isna(v) else t == f"{v:.1f}%" for t, v in zip(texts, whole["按期结案率"]))
    assert "—" in texts or whole["按期结案率"].notna().all()
