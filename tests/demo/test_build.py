"""The generated demo city: deterministic, exactly tiled, and faithful to the real figures."""

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from demo.build import DISTRICT_ADCODE, REAL_FIGURES, build_city, read_admin_boundaries
from demo.places import POINT_TYPE_COUNTS, allocate_total
from geo.crs import local_metric_crs

DOMAIN_POINT_TYPES = ("新时代文明实践中心 政务大厅 银行网点 窗口单位 公交站点 公交车 出租车 室外公共厕所 公共广场 "
                      "宾馆酒店 公园 社区 建筑工地 景区景点 中小学校 商场超市 医院 公共文化设施 主要交通路口 "
                      "背街小巷 商业大街 主次干道 城乡接合部 集贸市场 小区 乡镇").split()


@pytest.fixture(scope="module")
def metric(demo_city):
    frames, _ = demo_city
    crs = local_metric_crs(frames["streets"])
    return {name: frame.to_crs(crs) for name, frame in frames.items() if hasattr(frame, "crs")}


def test_same_seed_same_city(demo_city):
    frames, meta = demo_city
    again, meta_again = build_city()
    assert meta == meta_again
    for name in ("grids", "walk_edges", "compounds", "inspection_points", "parking_sections"):
        a, b = frames[name], again[name]
        assert len(a) == len(b), name
        assert shapely.equals_exact(a.geometry.values, b.geometry.values, tolerance=1e-9).all(), name
        cols = [c for c in b.columns if c != "geometry"]
        pd.testing.assert_frame_equal(a[cols].reset_index(drop=True), b[cols].reset_index(drop=True),
                                      check_dtype=False, check_like=True)


def test_a_different_seed_gives_a_different_city():
    other, _ = build_city(seed=1)
    assert other["parking_sections"]["planned_bays"].sum() == REAL_FIGURES["planned_bays"]
    assert len(other["compounds"]) > 0


def test_boundary_is_converted_from_gcj02():
    import geopandas as gpd

    raw = gpd.read_file("data/sources/datong_admin_gcj02.geojson")
    converted = read_admin_boundaries()
    crs = local_metric_crs(converted)
    raw_c = raw[raw["adcode"] == DISTRICT_ADCODE].to_crs(crs).geometry.iloc[0].centroid
    new_c = converted[converted["adcode"] == DISTRICT_ADCODE].to_crs(crs).geometry.iloc[0].centroid
    # GCJ-02 puts Datong ~600 m east and ~130 m north of its true place.
    assert 500 < raw_c.x - new_c.x < 700
    assert 50 < raw_c.y - new_c.y < 250


def _assert_tiles(children, parent_geom, rel_tol=1e-6):
    union = shapely.union_all(children.geometry.values)
    assert abs(union.area - parent_geom.area) / parent_geom.area < rel_tol
    assert abs(children.geometry.area.sum() - union.area) / union.area < rel_tol  # no overlaps


def test_hierarchy_tiles_the_district_exactly(metric):
    district = metric["admin_boundaries"]
    district = district[district["adcode"] == DISTRICT_ADCODE].geometry.iloc[0]
    _assert_tiles(metric["streets"], district)
    for code, street in metric["streets"].set_index("street_code").geometry.items():
        _assert_tiles(metric["communities"][metric["communities"]["street_code"] == code], street)
    for code, comm in metric["communities"].set_index("community_code").geometry.items():
        _assert_tiles(metric["grids"][metric["grids"]["community_code"] == code], comm)


def test_codes_follow_the_15_digit_scheme(demo_city):
    frames, _ = demo_city
    grids = frames["grids"]
    assert grids["grid_code"].str.fullmatch(r"140213\d{9}").all()
    assert (grids["grid_code"].str[:12] == grids["community_code"]).all()
    assert (grids["community_code"].str[:9] == grids["street_code"]).all()
    assert grids["grid_code"].is_unique
    assert frames["communities"]["community_code"].is_unique


def test_real_figures_are_reproduced(demo_city):
    frames, meta = demo_city
    sections = frames["parking_sections"]
    assert len(sections) == REAL_FIGURES["parking_sections"] == 114
    assert sections["planned_bays"].sum() == 19116
    assert sections["painted_bays"].sum() == 3962
    assert (sections["painted_bays"] <= sections["planned_bays"]).all()
    assert (frames["compounds"]["renovation_status"] == "改造中").sum() == 104
    assert len(frames["inspection_points"]) == 87
    assert json.loads(meta["real_figures"]) == REAL_FIGURES
    assert meta["generated"] == "true" and meta["adcode"] == "140213"


def test_inspection_points_cover_all_26_types(demo_city):
    points = demo_city[0]["inspection_points"]
    assert sorted(POINT_TYPE_COUNTS) == sorted(DOMAIN_POINT_TYPES)
    assert sum(POINT_TYPE_COUNTS.values()) == 87
    assert set(points["point_type"]) == set(DOMAIN_POINT_TYPES)
    assert set(points["latest_result"]) <= {"达标", "不达标", "未测评"}
    assert (points.loc[points["latest_result"] == "不达标", "open_problems"] >= 1).all()
    assert points["latest_check_date"][points["latest_result"] == "未测评"].isna().all()
    assert points["street_code"].notna().all()
    assert not points["responsible_unit"].str.contains("所在").any()


def test_every_feature_lies_in_a_grid(demo_city):
    frames, _ = demo_city
    for name in ("compounds", "public_toilets", "markets", "parking_lots", "parking_sections"):
        assert frames[name]["grid_code"].notna().all(), name


def test_network_is_connected_and_denser_in_the_old_city(metric, demo_city):
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    edges, nodes = metric["walk_edges"], metric["walk_nodes"]
    n = len(nodes)
    graph = coo_matrix((np.ones(len(edges)), (edges["u"], edges["v"])), shape=(n, n))
    assert connected_components(graph, directed=False)[0] == 1
    assert (edges["length_m"] > 0).all()
    np.testing.assert_allclose(edges["length_m"], edges.geometry.length, atol=0.01)
    centre = json.loads(demo_city[1]["old_city_centre_wgs84"])
    import geopandas as gpd
    c = gpd.GeoSeries(gpd.points_from_xy([centre[0]], [centre[1]]), crs=4326).to_crs(nodes.crs).iloc[0]
    d = nodes.geometry.distance(c)
    inner_density = (d < 1000).sum() / (np.pi * 1000**2)
    outer_density = (d > 9000).sum() / (nodes.geometry.union_all().convex_hull.area - np.pi * 9000**2)
    assert inner_density > 10 * outer_density


def test_allocate_total_is_exact_and_capped():
    out = allocate_total(np.array([1.0, 1.0, 1.0]), 10)
    assert out.sum() == 10 and sorted(out.tolist()) == [3, 3, 4]
    capped = allocate_total(np.array([5.0, 1.0, 1.0]), 9, caps=np.array([3, 10, 10]))
    assert capped.sum() == 9 and capped[0] == 3
    with pytest.raises(ValueError):
        allocate_total(np.array([1.0]), 5, caps=np.array([2]))


def test_progress_history_ends_at_the_current_figures(demo_city):
    frames, _ = demo_city
    progress = frames["progress_daily"]
    last = progress.iloc[-1]
    assert last["date"] == "2026-11-20"
    assert last["painted_bays"] == 3962 and last["planned_bays"] == 19116
    assert last["problems_found"] - last["problems_closed"] == frames["inspection_points"]["open_problems"].sum()
    for column in ("painted_bays", "problems_found", "problems_closed"):
        assert (progress[column].diff().dropna() >= 0).all(), column
    assert (progress["problems_closed"] <= progress["problems_found"]).all()
