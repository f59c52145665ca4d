"""How fast the city store is, against the floors that matter, on both backends.

    .venv/bin/python -m bench.store_bench [--repeat 5] [--no-browser] [--no-postgres]

1. Reading the city for the 作战挂图: every layer the page draws, read from the store, as a ratio
   to reading the same layers from a GeoPackage file with pyogrio (GDAL, the floor), both in
   this process; the full assembly (records replayed, areas located) is printed beside it.
2. Concurrent commits of one layer from three separate processes: how many commits were told
   "written" and how many of those are missing afterwards (must be 0).
3. A commit of a 10,000-row layer made by another process, and how long until the 作战挂图
   already open in headless Chromium shows it (the page polls every 3 s).

The demo city is built once (fixed date) into a temporary store per backend; PostgreSQL is a
throwaway cluster on loopback (``tests.pg``), as in the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from chuangcheng import store
from chuangcheng.demo.build import build_city, load_into_store
from chuangcheng.store import layers
from chuangcheng.store.city import load_city

AS_OF = date(2026, 11, 20)
ROOT = Path(__file__).resolve().parent.parent
# The layers the 作战挂图 draws (layers.battle_map.city_layers_used()) plus the compounds it counts.
READ_LAYERS = [
    "admin_boundaries",
    "roads",
    "streets",
    "communities",
    "grids",
    "inspection_points",
    "parking_lots",
    "parking_sections",
    "public_toilets",
    "markets",
    "compounds",
]


def _median_s(fn, repeat: int) -> float:
    fn()  # warm (imports, pyproj, connection pool)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _floor_file(engine, folder: Path) -> Path:
    """The same layers as a plain GeoPackage written by GDAL (what pyogrio reads fastest)."""
    path = folder / "floor.gpkg"
    for name in READ_LAYERS:
        pyogrio.write_dataframe(layers.read_layer(engine, name), path, layer=name, driver="GPKG")
    return path


def read_ratio(engine, floor: Path, repeat: int) -> dict:
    n_rows = sum(len(layers.read_layer(engine, n)) for n in READ_LAYERS)
    floor_s = _median_s(lambda: [pyogrio.read_dataframe(floor, layer=n) for n in READ_LAYERS], repeat)
    store_s = _median_s(lambda: layers.read_layers(engine, READ_LAYERS), repeat)
    city_s = _median_s(lambda: load_city(engine, datetime.combine(AS_OF, dtime(23))), max(1, repeat // 2))
    return {"rows": n_rows, "floor_s": floor_s, "store_s": store_s, "ratio": store_s / floor_s, "city_s": city_s}


WRITER = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
import geopandas as gpd, shapely
from chuangcheng.store import layers, open_store
engine = open_store({url!r})
while not Path({go!r}).exists():
    time.sleep(0.005)
for j in range({commits}):
    ids = [f"{who}-{{j}}-{{n}}" for n in range(50)]
    frame = gpd.GeoDataFrame({{"toilet_id": ids, "toilet_name": ids}},
                             geometry=[shapely.Point(113.3, 40.09)] * 50, crs="EPSG:4326")
    result = layers.commit_layer(engine, "public_toilets", frame, actor={who!r})
    print(json.dumps({{"ids": ids, "version": result.version}}), flush=True)
"""


def concurrent_commits(url: str, folder: Path, *, writers: int = 3, commits: int = 10) -> dict:
    import json

    go = folder / f"go-{time.time_ns()}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER.format(root=str(ROOT), url=url, go=str(go), commits=commits, who=f"w{k}")],
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(writers)
    ]
    started = time.perf_counter()
    go.touch()
    reports = [json.loads(line) for p in procs for line in p.communicate(timeout=600)[0].splitlines()]
    elapsed = time.perf_counter() - started
    engine = store.open_store(url)
    present = set(layers.read_layer(engine, "public_toilets")["toilet_id"])
    lost = sum(1 for r in reports if not set(r["ids"]) <= present)
    engine.dispose()
    return {"written": len(reports), "lost": lost, "seconds": elapsed}


def propagation(url: str, rows: int = 10_000) -> float | None:
    """Seconds from a 10,000-row commit (another process) to the open 作战挂图 showing it."""
    from playwright.sync_api import sync_playwright

    from scripts.screenshot import CHROMIUM, CHROMIUM_ARGS, running_app, wait_for_features
    from tests.test_browser_store import TILE_JS, _tile

    with running_app(env={"CHUANGCHENG_STORE_URL": url}) as app, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(app)
        wait_for_features(page)
        page.wait_for_function(f"() => ({TILE_JS})('公共厕所') !== null", timeout=60000)
        before = _tile(page, "公共厕所")
        rng = np.random.default_rng(1)
        ids = [f"BULK{k:05d}" for k in range(rows)]
        frame = gpd.GeoDataFrame(
            {"toilet_id": ids, "toilet_name": ids, "kind": "固定公厕"},
            geometry=shapely.points(rng.uniform(113.22, 113.38, rows), rng.uniform(40.0, 40.16, rows)),
            crs="EPSG:4326",
        )
        engine = store.open_store(url)
        started = time.perf_counter()
        layers.commit_layer(engine, "public_toilets", frame, actor="bench")
        committed = time.perf_counter() - started
        page.wait_for_function(
            f"(e) => ({TILE_JS})('公共厕所') === e.toLocaleString('en-US')", arg=before + rows, timeout=120000
        )
        shown = time.perf_counter() - started
        browser.close()
        engine.dispose()
    print(f"    （写入 {rows:,} 行用时 {committed:.2f} 秒，其中页面等待轮询与重绘 {shown - committed:.2f} 秒）")
    return shown


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="城市存储的读写与跨会话刷新")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    city = build_city(as_of=AS_OF)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        backends = {"SQLite/GeoPackage": f"sqlite:///{folder / 'city.gpkg'}"}
        cluster = None
        if not args.no_postgres:
            from tests import pg

            if pg.available():
                cluster = pg.throwaway_postgres()
                server = cluster.__enter__()
                backends["PostgreSQL 15 + PostGIS"] = pg.fresh_database(server, "bench_city")
            else:
                print("（未安装 PostgreSQL：运行 scripts/install_postgres.sh 后可测服务器模式）")
        try:
            floor = None
            for name, url in backends.items():
                engine = store.open_store(url)
                load_into_store(engine, city)
                floor = floor or _floor_file(engine, folder)
                r = read_ratio(engine, floor, args.repeat)
                print(
                    f"{name}：读取作战挂图的 {len(READ_LAYERS)} 个图层（{r['rows']:,} 个要素）"
                    f" {r['store_s'] * 1000:.0f} 毫秒，pyogrio 读 GeoPackage 文件 {r['floor_s'] * 1000:.0f} 毫秒，"
                    f"比值 {r['ratio']:.2f}×；含记录回放与区域定位的整城装配 {r['city_s'] * 1000:.0f} 毫秒"
                )
                engine.dispose()
                c = concurrent_commits(url, folder)
                print(
                    f"{name}：3 个进程并发提交同一图层共 {c['written']} 次（{c['seconds']:.1f} 秒），"
                    f"报告已写入却丢失的提交 {c['lost']} 次"
                )
                if not args.no_browser:
                    seconds = propagation(url)
                    print(f"{name}：另一进程提交 10,000 行后，已打开的作战挂图 {seconds:.1f} 秒内显示")
        finally:
            if cluster is not None:
                cluster.__exit__(None, None, None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
