"""The generated demo city: deterministic, exactly tiled, four districts, faithful to the real
figures, and a history of records that the figures are derived from."""

import json

import numpy as np
import pytest
import shapely

from chuangcheng.demo.build import (
    CITY_ADCODE,
    DISTRICT_ADCODE,
    DISTRICTS,
    REAL_FIGURES,
    build_city,
    read_admin_boundaries,
)
from chuangcheng.demo.places import POINT_TYPE_COUNTS, allocate_total
from chuangcheng.geo.crs import local_metric_crs
from tests.conftest import DEMO_AS_OF

DOMAIN_POINT_TYPES = (
    "新时代文明实践中心 政务大厅 银行网点 窗口单位 公交站点 公交车 出租车 室外公共厕所 公共广场 "
    "宾馆酒店 公园 社区 建筑工地 景区景点 中小学校 商场超市 医院 公共文化设施 主要交通路口 "
    "背街小巷 商业大街 主次干道 城乡接合部 集贸市场 小区 乡镇"
).split()


@pytest.fixture(scope="module")
def metric(demo_city):
    frames = demo_city.frames
    crs = local_metric_crs(frames["streets"])
    return {name: frame.to_crs(crs) for name, frame in frames.items() if hasattr(frame, "crs") and frame.crs}


def _signature(city) -> dict:
    """What must be equal for two builds to be the same city."""
    out = {}
    for name in ("grids", "walk_edges", "compounds", "inspection_points", "parking_sections", "public_toilets"):
        frame = city.layers[name]
        out[name] = (
            len(frame),
            shapely.to_wkb(frame.geometry.values).tolist(),
            frame.drop(columns="geometry").astype(str).values.tolist(),
        )
    out["inspections"] = [(p.point_id, p.inspected_at, p.items) for p in city.inspections]
    out["painting"] = city.painting.astype(str).values.tolist()
    return out


def test_same_seed_same_city(demo_build):
    again = build_city(as_of=DEMO_AS_OF)
    assert again.meta == demo_build.meta
    assert _signature(again) == _signature(demo_build)


def test_a_different_seed_gives_a_different_city(demo_build):
    other = build_city(seed=1, as_of=DEMO_AS_OF)
    assert other.meta["seed"] == "1"
    a, b = _signature(demo_build), _signature(other)
    differing = [name for name in a if a[name] != b[name]]
    assert set(differing) == set(a)  # every part of the city depends on the seed
    assert other.layers["parking_sections"]["planned_bays"].sum() == REAL_FIGURES["planned_bays"]


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


def test_four_districts_each_tiled_exactly(metric):
    admin = metric["admin_boundaries"].set_index("adcode")
    streets = metric["streets"]
    assert sorted(streets["district_code"].unique()) == sorted(p.adcode for p in DISTRICTS)
    for adcode in streets["district_code"].unique():
        _assert_tiles(streets[streets["district_code"] == adcode], admin.geometry[adcode])
    for code, street in streets.set_index("street_code").geometry.items():
        _assert_tiles(metric["communities"][metric["communities"]["street_code"] == code], street)
    communities = metric["communities"]
    for code, comm in (
        communities[communities["district_code"] == DISTRICT_ADCODE].set_index("community_code").geometry.items()
    ):
        _assert_tiles(metric["grids"][metric["grids"]["community_code"] == code], comm)


def test_codes_follow_the_15_digit_scheme(demo_city):
    grids = demo_city.frames["grids"]
    assert grids["grid_code"].str.fullmatch(r"1402\d{11}").all()
    assert (grids["grid_code"].str[:12] == grids["community_code"]).all()
    assert (grids["community_code"].str[:9] == grids["street_code"]).all()
    assert (grids["street_code"].str[:6] == grids["district_code"]).all()
    assert grids["grid_code"].is_unique and demo_city.frames["communities"]["community_code"].is_unique
    for name in ("public_toilets", "markets", "inspection_points", "parking_sections", "compounds"):
        spec_id = {
            "public_toilets": "toilet_id",
            "markets": "market_id",
            "inspection_points": "point_id",
            "parking_sections": "section_id",
            "compounds": "compound_id",
        }[name]
        assert demo_city.frames[name][spec_id].is_unique, name


def test_real_figures_are_reproduced_on_the_last_day(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    sections = frames["parking_sections"]
    assert len(sections) == REAL_FIGURES["parking_sections"] == 114
    assert sections["planned_bays"].sum() == 19116
    assert sections["painted_bays"].sum() == 3962  # the sum of the painting records
    assert (sections["painted_bays"] <= sections["planned_bays"]).all()
    pingcheng = frames["compounds"][frames["compounds"]["district_code"] == DISTRICT_ADCODE]
    assert (pingcheng["renovation_status"] == "改造中").sum() == 104
    points = frames["inspection_points"]
    assert (points["district_code"] == DISTRICT_ADCODE).sum() == 87
    assert json.loads(meta["real_figures"]) == REAL_FIGURES
    assert meta["generated"] == "true" and meta["adcode"] == CITY_ADCODE
    assert meta["as_of"] == DEMO_AS_OF.isoformat()


def test_inspection_points_cover_all_26_types_with_records(demo_city):
    points = demo_city.frames["inspection_points"]
    assert sorted(POINT_TYPE_COUNTS) == sorted(DOMAIN_POINT_TYPES)
    assert sum(POINT_TYPE_COUNTS.values()) == 87
    for adcode in points["district_code"].unique():
        assert set(points.loc[points["district_code"] == adcode, "point_type"]) == set(DOMAIN_POINT_TYPES)
    assert set(points["latest_result"]) == {"达标", "不达标", "未测评"}
    assert points["latest_check_date"][points["latest_result"] == "未测评"].isna().all()
    assert (points.loc[points["latest_result"] == "未测评", "inspections"] == 0).all()
    assert points["street_code"].notna().all()
    assert not points["responsible_unit"].str.contains("所在").any()


def test_every_feature_lies_in_a_grid(demo_city):
    for name in ("compounds", "public_toilets", "markets", "parking_lots", "parking_sections"):
        assert demo_city.frames[name]["grid_code"].notna().all(), name


def test_network_is_connected_and_denser_in_the_old_city(metric):
    import geopandas as gpd
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    edges, nodes = metric["walk_edges"], metric["walk_nodes"]
    n = len(nodes)
    graph = coo_matrix((np.ones(len(edges)), (edges["u"], edges["v"])), shape=(n, n))
    assert connected_components(graph, directed=False)[0] == 1  # one network for the whole city
    assert (edges["length_m"] > 0).all()
    np.testing.assert_allclose(edges["length_m"], edges.geometry.length, atol=0.01)
    lon, lat = DISTRICTS[0].seat_deg
    c = gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs=4326).to_crs(nodes.crs).iloc[0]
    d = nodes.geometry.distance(c)
    inner_density = (d < 1000).sum() / (np.pi * 1000**2)
    ring = (d > 9000) & (d < 12000)
    outer_density = ring.sum() / (np.pi * (12000**2 - 9000**2))
    assert inner_density > 10 * outer_density


def test_allocate_total_is_exact_and_capped():
    out = allocate_total(np.array([1.0, 1.0, 1.0]), 10)
    assert out.sum() == 10 and sorted(out.tolist()) == [3, 3, 4]
    capped = allocate_total(np.array([5.0, 1.0, 1.0]), 9, caps=np.array([3, 10, 10]))
    assert capped.sum() == 9 and capped[0] == 3
    with pytest.raises(ValueError):
        allocate_total(np.array([1.0]), 5, caps=np.array([2]))


def test_progress_history_ends_at_the_current_figures(demo_city):
    frames = demo_city.frames
    progress = frames["progress"]
    last = progress.iloc[-1]
    assert last["date"] == DEMO_AS_OF.isoformat()
    assert last["painted_bays"] == 3962 and last["planned_bays"] == 19116
    open_cases = (~frames["cases"]["state"].isin(["结案", "作废", "不予立案"])).sum()
    assert (
        last["problems_found"] - last["problems_closed"]
        == open_cases
        == frames["cases"].pipe(len) - frames["cases"]["state"].isin(["结案", "作废", "不予立案"]).sum()
    )
    assert last["problems_found"] == len(frames["cases"])
    for column in ("painted_bays", "problems_found", "problems_closed"):
        assert (progress[column].diff().dropna() >= 0).all(), column
    assert (progress["problems_closed"] <= progress["problems_found"]).all()
    assert progress["painted_bays"].iloc[0] < 500  # painting took place over the campaign
