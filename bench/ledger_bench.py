"""Sustained workflow steps per second on each ledger backend.

    .venv/bin/python -m bench.ledger_bench [--seconds 10] [--threads 4]

Each worker takes cases through the whole loop (立案 → 派遣 → 开始整改 → 整改反馈 → 核查 → 结案)
as fast as it can, every step one transaction with the version check, its audit event and the
store's change counter, for the given time; the printout is committed steps per second for the
store on SQLite (WAL, a GeoPackage file on disk) and on a throwaway PostgreSQL 15 + PostGIS on
loopback, and their ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from chuangcheng import store
from chuangcheng.geo.workflow import INSPECTOR, UNIT, Actor
from chuangcheng.store import accounts, ledger
from chuangcheng.store.db import writing

T0 = datetime(2026, 11, 1, 9)
INSP = Actor("insp", INSPECTOR)
UNIT_A = Actor("ua", UNIT, unit="城管局")
LOOP = [
    (INSP, "register", {}),
    (INSP, "dispatch", {"unit": "城管局", "deadline": T0 + timedelta(days=9)}),
    (UNIT_A, "start", {}),
    (UNIT_A, "report_fix", {"note": "已整改"}),
    (INSP, "verify_pass", {}),
]


def run(engine, seconds: float, threads: int) -> tuple[int, float]:
    steps = [0] * threads
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        while time.perf_counter() < stop:
            cid = ledger.create_case(engine, INSP, title="基准测试案件", source="督查", at=T0)
            version = 1
            for actor, action, kwargs in LOOP:
                version = ledger.transition(
                    engine, actor, cid, action, expected_version=version, at=T0 + timedelta(hours=1), **kwargs
                ).version
            steps[k] += 1 + len(LOOP)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(steps), time.perf_counter() - started


def _ready(url: str):
    """A migrated store with the unit the loop dispatches to and its account."""
    engine = store.open_store(url)
    with writing(engine) as conn:
        accounts.add_units(conn, [{"name": "城管局"}])
        accounts.insert_user(conn, "ua", "Bench-pass-1", role=UNIT, unit="城管局")
    return engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="问题台账工作流步骤吞吐量")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        engine = _ready(f"sqlite:///{Path(tmp) / 'bench.gpkg'}")
        n, elapsed = run(engine, args.seconds, args.threads)
        rates["SQLite (WAL)"] = n / elapsed
        engine.dispose()
    from tests import pg

    if pg.available():
        with pg.throwaway_postgres() as url:
            engine = _ready(url)
            n, elapsed = run(engine, args.seconds, args.threads)
            rates["PostgreSQL 15 + PostGIS"] = n / elapsed
            engine.dispose()
    else:
        print("（未安装 PostgreSQL：运行 scripts/install_postgres.sh 后可测服务器模式）")
    for name, rate in rates.items():
        print(f"{name}: {rate:,.0f} 步/秒（{args.threads} 个线程，{args.seconds:.0f} 秒，每步一个事务）")
    if len(rates) == 2:
        a, b = rates.values()
        print(f"PostgreSQL ÷ SQLite = {b / a:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
