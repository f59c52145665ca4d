"""Versioned layers on both backends: merge by key, every version readable, restore, refusals,
concurrent commits from separate processes (none lost), and a writer killed mid-commit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
import sqlalchemy as sa

from chuangcheng import store
from chuangcheng.store import layers
from chuangcheng.store.errors import RecordError, StaleWriteError

ROOT = Path(__file__).resolve().parents[2]


def _toilets(ids, names=None, x0=113.30):
    names = names or [f"公厕{i}" for i in ids]
    return gpd.GeoDataFrame(
        {"toilet_id": ids, "toilet_name": names, "kind": ["固定公厕"] * len(ids)},
        geometry=[shapely.Point(x0 + 0.001 * k, 40.09) for k in range(len(ids))],
        crs="EPSG:4326",
    )


@pytest.fixture
def engine(store_url):
    eng = store.open_store(store_url)
    yield eng
    eng.dispose()


def test_commits_merge_by_id_and_every_version_stays_readable(engine):
    first = layers.commit_layer(engine, "public_toilets", _toilets(["A", "B", "C"]), actor="t")
    assert (first.version, first.added, first.updated, first.kept) == (1, 3, 0, 0)
    second = layers.commit_layer(engine, "public_toilets", _toilets(["B", "D"], ["乙（改）", "丁"]), actor="t")
    assert (second.version, second.added, second.updated, second.kept) == (2, 1, 1, 2)
    now = layers.read_layer(engine, "public_toilets").set_index("toilet_id")
    assert sorted(now.index) == ["A", "B", "C", "D"] and now.loc["B", "toilet_name"] == "乙（改）"
    old = layers.read_layer(engine, "public_toilets", version=1).set_index("toilet_id")
    assert sorted(old.index) == ["A", "B", "C"] and old.loc["B", "toilet_name"] == "公厕B"
    restored = layers.restore_layer(engine, "public_toilets", 1, actor="t")
    assert restored.version == 3
    again = layers.read_layer(engine, "public_toilets").set_index("toilet_id")
    assert sorted(again.index) == ["A", "B", "C"] and again.loc["B", "toilet_name"] == "公厕B"
    assert [v.action for v in layers.versions(engine, "public_toilets")] == ["import", "import", "restore"]
    # history is never rewritten: version 2 is still what it was
    assert sorted(layers.read_layer(engine, "public_toilets", version=2)["toilet_id"]) == ["A", "B", "C", "D"]


def test_records_without_ids_match_by_name_and_keep_their_ids(engine):
    layers.commit_layer(engine, "public_toilets", _toilets(["A", "B"], ["甲", "乙"]), actor="t")
    no_ids = _toilets([None, None], ["乙", "丙"]).assign(kind=["移动公厕", "固定公厕"])
    result = layers.commit_layer(engine, "public_toilets", no_ids, actor="t")
    assert (result.added, result.updated, result.kept) == (1, 1, 1)
    now = layers.read_layer(engine, "public_toilets").set_index("toilet_name")
    assert now.loc["乙", "toilet_id"] == "B" and now.loc["乙", "kind"] == "移动公厕"
    assert now.loc["丙", "toilet_id"] == "GC0002-00001"


def test_refusals_write_nothing_and_say_why(engine):
    layers.commit_layer(engine, "public_toilets", _toilets(["A"]), actor="t")
    with pytest.raises(StaleWriteError, match="已被他人更新为第 1 版.*第 0 版"):
        layers.commit_layer(engine, "public_toilets", _toilets(["B"]), actor="t", expected_version=0)
    with pytest.raises(RecordError, match="公厕编号重复：A"):
        layers.commit_layer(engine, "public_toilets", _toilets(["A", "A"]), actor="t")
    empty = _toilets(["Z"]).set_geometry([None], crs="EPSG:4326")
    with pytest.raises(RecordError, match="没有几何"):
        layers.commit_layer(engine, "public_toilets", empty, actor="t")
    assert layers.read_layer(engine, "public_toilets")["toilet_id"].tolist() == ["A"]
    assert [v.version for v in layers.versions(engine, "public_toilets")] == [1]


def test_gis_programs_can_open_the_layers(engine, store_url):
    layers.commit_layer(engine, "public_toilets", _toilets(["A", "B"]), actor="t")
    if store_url.startswith("sqlite"):
        path = store_url.split("///", 1)[1]
        listed = dict(pyogrio.list_layers(path))
        assert listed["public_toilets"] == "Point" and "grids" in listed
        frame = pyogrio.read_dataframe(path, layer="public_toilets")  # GDAL, as QGIS reads it
        assert frame.crs.to_epsg() == 4326 and frame["toilet_id"].tolist() == ["A", "B"]
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT COUNT(*) FROM rtree_public_toilets_geom")).scalar() == 2
    else:
        with engine.connect() as conn:
            srid = conn.execute(
                sa.text("SELECT srid, type FROM geometry_columns WHERE f_table_name = 'public_toilets'")
            ).one()
            assert tuple(srid) == (4326, "POINT")
            index = conn.execute(
                sa.text("SELECT indexdef FROM pg_indexes WHERE tablename = 'public_toilets' AND indexdef LIKE '%gist%'")
            ).scalar()
            assert "geom" in index


WRITER = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
import geopandas as gpd, shapely
from chuangcheng.store import layers, open_store
from chuangcheng.store.errors import StaleWriteError
url, who, commits, check = {url!r}, {who!r}, {commits}, {check}
engine = open_store(url)
while not Path({go!r}).exists():
    time.sleep(0.005)
for j in range(commits):
    ids = [f"{{who}}-{{j}}-{{n}}" for n in range(20)]
    frame = gpd.GeoDataFrame({{"toilet_id": ids, "toilet_name": ids}},
                             geometry=[shapely.Point(113.3, 40.09)] * 20, crs="EPSG:4326")
    with engine.connect() as conn:
        seen = layers.head_version(conn, "public_toilets") if check else None
    try:
        result = layers.commit_layer(engine, "public_toilets", frame, actor=who, expected_version=seen)
        print(json.dumps({{"written": ids, "version": result.version}}), flush=True)
    except StaleWriteError as exc:
        print(json.dumps({{"stale": ids, "message": str(exc)}}), flush=True)
"""


@pytest.mark.parametrize("check", [False, True], ids=["serialised", "stale-checked"])
def test_concurrent_commits_from_separate_processes_lose_nothing(engine, store_url, tmp_path, check):
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER.format(root=str(ROOT), url=store_url, who=f"w{k}", commits=5, check=check, go=str(go)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(3)
    ]
    go.touch()  # all three start together
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        reports += [json.loads(line) for line in out.splitlines()]
    written = [r for r in reports if "written" in r]
    stale = [r for r in reports if "stale" in r]
    assert len(written) + len(stale) == 15
    final = set(layers.read_layer(engine, "public_toilets")["toilet_id"])
    lost = [r for r in written if not set(r["written"]) <= final]
    assert lost == [], f"{len(lost)} commits reported as written are missing"
    assert all(not set(r["stale"]) & final for r in stale)  # refused ones wrote nothing
    assert all("已被他人更新" in r["message"] for r in stale)
    assert sorted(r["version"] for r in written) == list(range(1, len(written) + 1))
    if not check:
        assert len(written) == 15


KILLED = """
import sys
sys.path.insert(0, {root!r})
import time, geopandas as gpd, shapely
from chuangcheng.store import layers, open_store
engine = open_store({url!r})
real = layers._insert_rows
def paused(conn, spec, data, version):
    real(conn, spec, data, version)   # rows written inside the open transaction
    print("rows-written", flush=True)
    time.sleep(120)
layers._insert_rows = paused
ids = [f"K{{n}}" for n in range(5000)]
frame = gpd.GeoDataFrame({{"toilet_id": ids, "toilet_name": ids}},
                         geometry=[shapely.Point(113.3, 40.09)] * 5000, crs="EPSG:4326")
layers.commit_layer(engine, "public_toilets", frame, actor="ghost", replace=True)
"""


def test_a_process_killed_mid_commit_leaves_the_previous_version(engine, store_url, tmp_path):
    layers.commit_layer(engine, "public_toilets", _toilets(["A", "B"]), actor="t")
    before = sorted(os.listdir(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED.format(root=str(ROOT), url=store_url)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().strip() == "rows-written"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    fresh = store.open_store(store_url)
    assert layers.read_layer(fresh, "public_toilets")["toilet_id"].tolist() == ["A", "B"]
    assert [v.version for v in layers.versions(fresh, "public_toilets")] == [1]
    if store_url.startswith("sqlite"):
        with fresh.connect() as conn:
            assert conn.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
        after = sorted(os.listdir(tmp_path))
        stray = [f for f in after if f not in before and not f.endswith(("-wal", "-shm"))]
        assert stray == []
    assert layers.commit_layer(fresh, "public_toilets", _toilets(["C"]), actor="t").version == 2
    fresh.dispose()
