"""A 1,000,000-row import through the page while another user works, over the wire.

    .venv/bin/python -m bench.isolation_bench [--rows 1000000] [--repeat 5]

Starts the app server (``server.py``) on a private copy of the demo store, in demo mode. User B
is a websocket client that reruns the 作战挂图 again and again and times each run, from its
request to the server's "script finished" message. First with the server idle, then while user
A, in headless Chromium, signs in on 数据导入, uploads a CSV of ``--rows`` toilets, waits for the
preview and commits it. Prints B's run times (median, 90th percentile, ratio to idle), A's times
for upload-and-parse and for the commit, the rows the store holds afterwards, and the server
process's peak memory growth. B's runs are counted only while A parses or commits (after the
commit, every page reads the larger city: that cost is the data's, not the import's).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from chuangcheng import store
from chuangcheng.demo.build import build_city, load_into_store
from chuangcheng.demo.ledger import DEMO_PASSWORD
from chuangcheng.store.layers import read_layer
from scripts.screenshot import CHROMIUM, CHROMIUM_ARGS, import_as, running_server

DEMO_AS_OF = date(2026, 11, 20)  # the demo history's last day, as in the tests


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


async def _rerun_times(
    url: str, stop: threading.Event, times: list[tuple[float, float]], limit: int | None = None
) -> None:
    """Rerun the default page over one websocket until ``stop``; append (start, end) of each run."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async with websockets.connect(
        url.replace("http", "ws") + "_stcore/stream",
        subprotocols=["streamlit"],
        additional_headers={"Origin": url.rstrip("/")},
        max_size=None,
    ) as socket:
        while not stop.is_set() and (limit is None or len(times) < limit):
            rerun = BackMsg()
            rerun.rerun_script.query_string = ""
            rerun.rerun_script.page_script_hash = ""
            started = time.perf_counter()
            await socket.send(rerun.SerializeToString())
            while True:
                msg = ForwardMsg()
                msg.ParseFromString(await asyncio.wait_for(socket.recv(), 300))
                if msg.WhichOneof("type") == "script_finished":
                    break
            times.append((started, time.perf_counter()))


def _csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(7)
    pd.DataFrame(
        {
            "公厕编号": [f"BIG{i:07d}" for i in range(rows)],
            "公厕名称": [f"公厕{i}" for i in range(rows)],
            "经度": np.round(rng.uniform(113.20, 113.40, rows), 6),
            "纬度": np.round(rng.uniform(39.98, 40.17, rows), 6),
        }
    ).to_csv(path, index=False)


def _import_as_user_a(url: str, path: Path) -> tuple[float, float, float]:
    """(upload started, commit clicked, commit reported) on the perf_counter clock."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN").new_page()
        import_as(page, url, "inspector", DEMO_PASSWORD, "公共厕所")
        started = time.perf_counter()
        page.locator('input[type="file"]').set_input_files(str(path))
        commit = page.get_by_role("button", name="确认导入（按编号更新，不重复）")
        commit.wait_for(timeout=900_000)
        clicked = time.perf_counter()
        commit.click()
        page.get_by_text("已写入“公共厕所”").wait_for(timeout=900_000)
        done = time.perf_counter()
        browser.close()
    return started, clicked, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="大文件导入时其他用户的响应时间")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url_store = f"sqlite:///{Path(tmp) / 'city.gpkg'}"
        engine = store.open_store(url_store)
        load_into_store(engine, build_city(as_of=DEMO_AS_OF))
        before_rows = len(read_layer(engine, "public_toilets"))
        csv_path = Path(tmp) / "百万公厕.csv"
        _csv(csv_path, args.rows)
        file_mb = csv_path.stat().st_size / 2**20
        print(f"文件：{args.rows:,} 行，{file_mb:.0f} MB")
        env = {"CHUANGCHENG_STORE_URL": url_store, "CHUANGCHENG_DEMO_MODE": "1"}
        with running_server(env=env, timeout_s=120) as server:
            runs: list[tuple[float, float]] = []
            asyncio.run(_rerun_times(server.url, threading.Event(), runs, limit=args.repeat + 1))
            idle = [end - start for start, end in runs[1:]]  # the first run fills the caches
            busy: list[tuple[float, float]] = []
            stop = threading.Event()
            closed: list[str] = []

            def watch() -> None:
                import websockets

                try:
                    asyncio.run(_rerun_times(server.url, stop, busy))
                except websockets.exceptions.ConnectionClosed as exc:
                    closed.append(f"{time.perf_counter():.3f} {exc}")

            watcher = threading.Thread(target=watch)
            base_rss = _rss_mb(server.proc.pid)
            rss: list[tuple[float, float]] = []

            def sample() -> None:
                while not stop.is_set():
                    rss.append((time.perf_counter(), _rss_mb(server.proc.pid)))
                    time.sleep(0.2)

            sampler = threading.Thread(target=sample)
            watcher.start()
            sampler.start()
            try:
                started, clicked, done = _import_as_user_a(server.url, csv_path)
            finally:
                stop.set()
                watcher.join()
                sampler.join()
        after_rows = len(read_layer(engine, "public_toilets"))
    idle_med = statistics.median(idle)
    print(f"用户 B 重新运行作战挂图（服务器空闲）：中位数 {idle_med:.2f} 秒（{len(idle)} 次）")
    for phase, lo, hi in (("上传与解析期间", started, clicked), ("写入期间", clicked, done)):
        during = [end - start for start, end in busy if start >= lo and end <= hi]
        if not during:
            print(f"用户 B（用户 A {phase}）：没有完整的运行")
            continue
        med, p90 = statistics.median(during), float(np.percentile(during, 90))
        print(
            f"用户 B 重新运行作战挂图（用户 A {phase}）：中位数 {med:.2f} 秒，90% 分位 {p90:.2f} 秒（{len(during)} 次），"
            f"为空闲时的 {med / idle_med:.2f} 倍（90% 分位 {p90 / idle_med:.2f} 倍）"
        )
    print(
        f"用户 A：上传并解析 {clicked - started:.0f} 秒，确认写入 {done - clicked:.0f} 秒；"
        f"图层由 {before_rows:,} 条变为 {after_rows:,} 条（新增 {after_rows - before_rows:,}）"
    )
    for phase, lo, hi in (("上传与解析期间", started, clicked), ("写入及之后", clicked, float("inf"))):
        grown = max((mb for t, mb in rss if lo <= t <= hi), default=base_rss) - base_rss
        print(f"服务器进程内存峰值增加（{phase}）：{grown:.0f} MB")
    print(
        f"（上传文件本身 {file_mb:.0f} MB，会话期间由 Streamlit 保存在内存中；写入后各页面重新读取的城市多了这些要素）"
    )
    for line in closed:
        stamp, why = line.split(" ", 1)
        print(f"用户 B 的连接在用户 A 确认写入后 {float(stamp) - clicked:.0f} 秒断开：{why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
