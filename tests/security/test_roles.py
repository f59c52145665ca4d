"""Roles are enforced where the data is written, not by the pages: every action of the
permission table, called directly on the store (or the import sandbox) by every role. An allowed
role is never refused for its role (it may fail for other reasons: an empty store); every other
role is refused with ``PermissionDenied`` naming the roles that may."""

import itertools
from datetime import date, datetime

import geopandas as gpd
import pytest
import shapely

from chuangcheng import store
from chuangcheng.geo.permissions import ACTIONS
from chuangcheng.geo.workflow import (
    ADMIN,
    AUDITOR,
    INSPECTOR,
    LEADER,
    REGISTERED,
    REPORTED,
    ROLES,
    SECURITY,
    UNIT,
    Actor,
    WorkflowError,
)
from chuangcheng.ingest import sandbox, server_files
from chuangcheng.store import accounts, audit, imports, inspections, ledger, painting, settings
from chuangcheng.store.db import writing
from chuangcheng.store.errors import PermissionDenied

NOW = datetime(2026, 11, 20, 10, 0)
_names = itertools.count()


def _toilets():
    return gpd.GeoDataFrame(
        {"toilet_id": ["T1"], "toilet_name": ["甲"]}, geometry=[shapely.Point(113.3, 40.09)], crs="EPSG:4326"
    )


def _fresh_user(engine, role=LEADER):
    name = f"target{next(_names)}"
    with writing(engine) as conn:
        accounts.insert_user(conn, name, "Target-pw-2026", role=role)
    return name


CALLS = {
    "case.report": lambda e, a, tmp: ledger.create_case(e, a, title="店外经营", source="督查", at=NOW),
    "ledger.import": lambda e, a, tmp: sandbox.import_ledger(
        tmp / "none.xlsx", store_url="", actor=a, display_name="x.xlsx", now=NOW
    ),
    "inspection.record": lambda e, a, tmp: inspections.record_inspection(
        e, a, point_id="P0", inspected_at=NOW, items=[]
    ),
    "inspection.import": lambda e, a, tmp: sandbox.import_inspections(
        tmp / "none.csv", store_url="", actor=a, display_name="x.csv", now=NOW, areas={}
    ),
    "painting.record": lambda e, a, tmp: painting.record_painting(
        e, a, section_id="S0", painted_on=date(2026, 11, 1), bays=1
    ),
    "layer.import": lambda e, a, tmp: imports.commit_import(
        e, "public_toilets", _toilets(), actor=a, source_name="t.csv", expected_version=None
    ),
    "layer.restore": lambda e, a, tmp: imports.restore(e, "public_toilets", 1, actor=a, expected_version=None),
    "layer.import_server_file": lambda e, a, tmp: server_files.list_files(tmp, a),
    "category.add": lambda e, a, tmp: ledger.add_category(
        e, a, code=f"{9000 + next(_names)}", name="新类别", kind="事件"
    ),
    "settings.change": lambda e, a, tmp: settings.change_setting(e, a, "idle_minutes", 10),
    "unit.add": lambda e, a, tmp: accounts.register_unit(e, a, f"单位{next(_names)}"),
    "account.create": lambda e, a, tmp: accounts.create_user(
        e, a, f"new{next(_names)}", "Created-pw-2026", role=LEADER
    ),
    "account.reset_password": lambda e, a, tmp: accounts.reset_password(e, a, _fresh_user(e), "Temp-pw-2026"),
    "account.disable": lambda e, a, tmp: accounts.set_disabled(e, a, _fresh_user(e), True),
    "account.set_role": lambda e, a, tmp: accounts.set_role(e, a, _fresh_user(e), INSPECTOR),
    "account.unlock": lambda e, a, tmp: accounts.unlock(e, a, _fresh_user(e)),
    "account.sign_out_everywhere": lambda e, a, tmp: accounts.sign_out_everywhere(e, a, _fresh_user(e)),
    "audit.read": lambda e, a, tmp: audit.read_audit(e, a),
}
# Not a write and not in the store: offered by the pages to these roles and audited (ui.exports).
NOT_STORE_ACTIONS = {"data.export"}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    eng = store.open_store(f"sqlite:///{tmp_path_factory.mktemp('roles') / 'store.gpkg'}")
    with writing(eng) as conn:
        accounts.add_units(conn, [{"name": "城管局"}])
    yield eng
    eng.dispose()


def test_every_action_of_the_table_is_checked_here():
    assert set(CALLS) == set(ACTIONS) - NOT_STORE_ACTIONS


@pytest.mark.parametrize("action", sorted(CALLS))
@pytest.mark.parametrize("role", ROLES)
def test_the_store_enforces_the_table(engine, tmp_path, action, role):
    actor = Actor(f"{role}-user", role, "城管局" if role == UNIT else None)
    call = CALLS[action]
    if role in ACTIONS[action][1]:
        try:
            call(engine, actor, tmp_path)
        except PermissionDenied as exc:
            pytest.fail(f"{role} refused {action}: {exc}")
        except (ValueError, LookupError):
            pass  # refused for another reason (nothing to restore, no such point): not the role
    else:
        with pytest.raises(PermissionDenied, match="|".join(ACTIONS[action][1])):
            call(engine, actor, tmp_path)


@pytest.mark.parametrize("role", ROLES)
def test_workflow_moves_are_the_inspectors_and_units_only(engine, role):
    cid = ledger.create_case(engine, Actor("insp", INSPECTOR), title="乱停车", source="督查", at=NOW)
    actor = Actor(f"{role}-user", role, "城管局" if role == UNIT else None)
    if role == INSPECTOR:
        assert ledger.transition(engine, actor, cid, "register", expected_version=1, at=NOW).state == REGISTERED
    else:
        with pytest.raises(WorkflowError):
            ledger.transition(engine, actor, cid, "register", expected_version=1, at=NOW)
        assert ledger.read_case(engine, cid).state == REPORTED


def test_administrators_do_no_casework_and_the_auditor_only_reads():
    for admin in (ADMIN, SECURITY, AUDITOR):
        assert not any(
            admin in roles
            for action, (_, roles) in ACTIONS.items()
            if action.startswith(("case.", "inspection.", "painting.", "ledger."))
        )
    assert [a for a, (_, roles) in ACTIONS.items() if AUDITOR in roles] == ["audit.read"]
