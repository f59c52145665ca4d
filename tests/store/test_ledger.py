"""The ledger on both backends — SQLite (embedded default) and PostgreSQL/PostGIS (server mode):
transactions, roles on the server side, optimistic locking under concurrent writers, and a
writer killed mid-step. The same tests run on each."""

import random
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from chuangcheng import store
from chuangcheng.geo.workflow import INSPECTOR, MOVES, UNIT, Actor, PermissionDenied, WorkflowError, allowed_actions
from chuangcheng.store import accounts, ledger
from chuangcheng.store.db import writing
from chuangcheng.store.migrations import MIGRATIONS

T0 = datetime(2026, 11, 1, 9, 0)
INSP = Actor("insp", INSPECTOR)
UNIT_A = Actor("ua", UNIT, unit="城管局")
UNIT_B = Actor("ub", UNIT, unit="市场监管局")


@pytest.fixture
def engine(store_url):
    eng = store.open_store(store_url)
    with writing(eng) as conn:
        accounts.add_units(conn, [{"name": "城管局"}, {"name": "市场监管局"}, {"name": "无人单位"}])
        accounts.insert_user(conn, "ua", "Unit-a-pass-1", role=UNIT, unit="城管局")
        accounts.insert_user(conn, "ub", "Unit-b-pass-1", role=UNIT, unit="市场监管局")
    yield eng
    eng.dispose()


def _dispatched(engine, unit="城管局"):
    cid = ledger.create_case(engine, INSP, title="店外经营", source="实地测评", at=T0)
    case = ledger.transition(engine, INSP, cid, "register", expected_version=1, at=T0)
    case = ledger.transition(
        engine, INSP, cid, "dispatch", expected_version=case.version, at=T0, unit=unit, deadline=T0 + timedelta(days=3)
    )
    return cid, case


def test_wal_mode_postgis_and_migrations(engine):
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        else:
            assert conn.execute(sa.text("SELECT PostGIS_Version()")).scalar()
        assert conn.execute(sa.text("SELECT MAX(version) FROM schema_version")).scalar() == MIGRATIONS[-1][0]


def test_steps_are_stored_with_their_audit_trail(engine):
    cid, case = _dispatched(engine)
    case = ledger.transition(engine, UNIT_A, cid, "start", expected_version=case.version, at=T0)
    case = ledger.transition(engine, UNIT_A, cid, "report_fix", expected_version=case.version, at=T0, note="已整改")
    case = ledger.transition(engine, INSP, cid, "verify_pass", expected_version=case.version, at=T0)
    events = ledger.read_events(engine, cid)
    assert events["action"].tolist() == ["report", "register", "dispatch", "start", "report_fix", "verify_pass"]
    assert events["to_state"].iloc[-1] == "结案" and events["actor"].tolist()[3] == "ua"
    row = ledger.read_cases(engine, INSP).iloc[0]
    assert row["state"] == "结案" and row["fixed_count"] == 1 and row["version"] == case.version == 6


def test_a_unit_cannot_touch_another_units_case_even_calling_the_functions(engine):
    cid, case = _dispatched(engine, unit="城管局")
    with pytest.raises(PermissionDenied):
        ledger.transition(engine, UNIT_B, cid, "start", expected_version=case.version, at=T0)
    assert ledger.read_cases(engine, UNIT_B).empty
    assert len(ledger.read_cases(engine, UNIT_A)) == 1
    with pytest.raises(PermissionDenied):
        ledger.create_case(engine, UNIT_A, title="x", source="热线", at=T0)
    assert ledger.read_case(engine, cid).state == "已派遣"  # nothing changed


def test_the_second_writer_is_told_to_reload(engine):
    cid, case = _dispatched(engine)
    ledger.transition(engine, UNIT_A, cid, "start", expected_version=case.version, at=T0)
    with pytest.raises(ledger.ConcurrentEditError, match="请刷新"):
        ledger.transition(engine, INSP, cid, "park", expected_version=case.version, at=T0, note="x")


def _history_is_consistent(engine):
    cases = ledger.read_cases(engine, INSP).set_index("id")
    events = ledger.read_events(engine)
    for cid, group in events.groupby("case_id"):
        states = group["to_state"].tolist()
        assert group["from_state"].tolist()[1:] == states[:-1], cid  # each step starts where the last ended
        assert cases.loc[cid, "state"] == states[-1]
        assert cases.loc[cid, "version"] == len(group)  # every committed step is one version
        assert cases.loc[cid, "rework_count"] == (group["action"] == "verify_fail").sum()


def test_many_threads_making_random_moves_lose_nothing(engine):
    ids = [_dispatched(engine, unit="城管局")[0] for _ in range(12)]
    actors = [INSP, UNIT_A]
    counts = {"ok": 0, "stale": 0, "refused": 0}
    lock = threading.Lock()

    def worker(seed):
        rng = random.Random(seed)
        for _ in range(60):
            cid = rng.choice(ids)
            actor = rng.choice(actors)
            case = ledger.read_case(engine, cid)
            options = allowed_actions(case, actor)
            if not options:
                continue
            action = rng.choice(options)
            kwargs = {"note": "并发测试"} if MOVES[action].needs_note else {}
            try:
                ledger.transition(
                    engine, actor, cid, action, expected_version=case.version, at=T0 + timedelta(hours=1), **kwargs
                )
                key = "ok"
            except ledger.ConcurrentEditError:
                key = "stale"
            except WorkflowError:
                key = "refused"
            with lock:
                counts[key] += 1

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts["ok"] >= 2 * len(ids)
    _history_is_consistent(engine)
    events = ledger.read_events(engine)
    assert len(events) == len(ids) * 3 + counts["ok"]  # report+register+dispatch per case, then each success


KILLED_WRITER = """
import sys, time, sqlalchemy as sa
from datetime import datetime
sys.path.insert(0, {root!r})
from chuangcheng.store.db import connect, writing
engine = connect({url!r})
with writing(engine) as conn:
    conn.execute(sa.text("UPDATE cases SET state = '整改中', version = version + 1 WHERE id = 1"))
    conn.execute(sa.text("INSERT INTO events (case_id, action, from_state, to_state, actor, at) "
                         "VALUES (1, 'start', '已派遣', '整改中', 'ghost', :at)"), {{"at": datetime.now()}})
    print("in-transaction", flush=True)
    time.sleep(60)
"""


def test_a_writer_killed_mid_step_leaves_the_database_consistent(engine, tmp_path):
    cid, case = _dispatched(engine)
    url = engine.url.render_as_string(hide_password=False)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER.format(root=str(Path.cwd()), url=url)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "in-transaction"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    fresh = store.db.connect(url)
    if fresh.dialect.name == "sqlite":
        with fresh.connect() as conn:
            assert conn.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
    assert ledger.read_case(fresh, cid).state == "已派遣" and ledger.read_case(fresh, cid).version == case.version
    assert "ghost" not in set(ledger.read_events(fresh)["actor"])
    ledger.transition(fresh, UNIT_A, cid, "start", expected_version=case.version, at=T0)  # still usable
    _history_is_consistent(fresh)


def test_dispatch_only_to_a_registered_unit_with_an_account(engine):
    cid = ledger.create_case(engine, INSP, title="店外经营", source="实地测评", at=T0)
    case = ledger.transition(engine, INSP, cid, "register", expected_version=1, at=T0)
    with pytest.raises(WorkflowError, match="不在单位名录中"):
        ledger.transition(
            engine,
            INSP,
            cid,
            "dispatch",
            expected_version=case.version,
            at=T0,
            unit="随手写的单位",
            deadline=T0 + timedelta(days=3),
        )
    with pytest.raises(WorkflowError, match="还没有任何账号"):
        ledger.transition(
            engine,
            INSP,
            cid,
            "dispatch",
            expected_version=case.version,
            at=T0,
            unit="无人单位",
            deadline=T0 + timedelta(days=3),
        )
    assert ledger.read_case(engine, cid).state == "立案"  # nothing changed
    assert accounts.dispatchable_units(engine) == sorted(["城管局", "市场监管局"])
