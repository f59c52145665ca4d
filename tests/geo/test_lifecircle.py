"""The 15分钟生活圈 analysis on the demo city: internal consistency with exact relations."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from chuangcheng.geo.coverage import STRAIGHT_LINE, walking_distance_m
from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.lifecircle import (
    CoverageRequest,
    analyse,
    points_xy,
    resolve_threshold,
    service_area_wgs84,
    suggest_sites,
)
from chuangcheng.geo.network import build_network
from chuangcheng.geo.standards import load_standards


@pytest.fixture(scope="module")
def setup(demo_city):
    frames = demo_city.frames
    return frames, build_network(frames["walk_nodes"], frames["walk_edges"]), load_standards(override_path=None)


def test_distances_match_the_engine(setup):
    frames, net, standards = setup
    result = analyse(frames, net, standards, CoverageRequest("public_toilets", "standard"))
    assert result.cutoff_m == 300 and "GB 55013-2021" in result.threshold.source_text()
    expected = walking_distance_m(
        net, points_xy(frames["public_toilets"], net.crs), points_xy(frames["compounds"], net.crs), cutoff_m=300
    )
    np.testing.assert_array_equal(result.compounds["distance_m"].to_numpy(), expected)


def test_area_sums_equal_the_totals_at_every_level(setup):
    frames, net, standards = setup
    result = analyse(frames, net, standards, CoverageRequest("markets", "15min"))
    totals = result.totals()
    for level in ("grids", "communities", "streets"):
        areas = result.by_area(frames[level], level)
        assert areas["population"].sum() == totals["population"]
        assert areas["uncovered_population"].sum() == totals["uncovered_population"]
        assert areas["uncovered_compounds"].sum() == totals["uncovered_compounds"]


def test_straight_line_never_covers_less_than_walking(setup):
    frames, net, standards = setup
    walk = analyse(frames, net, standards, CoverageRequest("public_toilets", "5min"))
    line = analyse(frames, net, standards, CoverageRequest("public_toilets", "5min", method=STRAIGHT_LINE))
    # A walk is never shorter than the straight line between its ends.
    assert (line.compounds["covered"] | ~walk.compounds["covered"]).all()
    assert line.totals()["covered_population"] > walk.totals()["covered_population"]


def test_closing_a_market_never_improves_coverage(setup):
    frames, net, standards = setup
    base = analyse(frames, net, standards, CoverageRequest("markets", "10min"))
    closed = frozenset(frames["markets"]["market_id"].iloc[:3])
    what_if = analyse(frames, net, standards, CoverageRequest("markets", "10min", excluded_ids=closed))
    assert len(what_if.excluded) == 3 and len(what_if.facilities) == len(frames["markets"]) - 3
    assert (what_if.compounds["distance_m"].to_numpy() >= base.compounds["distance_m"].to_numpy()).all()


def test_sites_raise_coverage_by_exactly_their_gains(setup):
    frames, net, standards = setup
    result = analyse(frames, net, standards, CoverageRequest("public_toilets", "standard"))
    suggestion = suggest_sites(result, net, 5)
    assert len(suggestion.sites) == 5
    assert suggestion.after_population == suggestion.before_population + suggestion.sites["gain_population"].sum()
    assert (np.diff(suggestion.sites["gain_population"]) <= 0).all()  # greedy gains never grow
    # Re-running the analysis with the sites added as toilets reproduces the "after" figure.
    added = gpd.GeoDataFrame(
        {"toilet_id": [f"NEW{i}" for i in range(5)], "toilet_name": ["新增"] * 5},
        geometry=suggestion.sites.geometry.values,
        crs="EPSG:4326",
    )
    with_sites = {
        **frames,
        "public_toilets": gpd.GeoDataFrame(
            __import__("pandas").concat([frames["public_toilets"], added], ignore_index=True), crs="EPSG:4326"
        ),
    }
    redo = analyse(with_sites, net, standards, CoverageRequest("public_toilets", "standard"))
    assert redo.totals()["covered_population"] == suggestion.after_population


def test_user_listed_candidates(setup):
    frames, net, standards = setup
    result = analyse(frames, net, standards, CoverageRequest("markets", "5min"))
    uncovered = result.compounds[~result.compounds["covered"]].sort_values("population").iloc[-1]
    spot = gpd.GeoSeries([uncovered.geometry.representative_point(), shapely.Point(113.0, 39.5)], crs="EPSG:4326")
    suggestion = suggest_sites(result, net, 2, candidates_wgs84=spot)
    assert len(suggestion.sites) == 1 and suggestion.sites["gain_population"].iloc[0] >= uncovered.population


def test_service_area_is_derived_from_the_network(setup):
    frames, net, standards = setup
    result = analyse(frames, net, standards, CoverageRequest("markets", "10min"))
    area = service_area_wgs84(result, net).iloc[0]
    covered = result.compounds[result.compounds["covered"]].geometry.representative_point()
    assert covered.within(area.buffer(0.002)).mean() > 0.95
    circles = shapely.union_all(shapely.buffer(shapely.points(points_xy(result.facilities, net.crs)), 500))
    walk_area = service_area_wgs84(result, net).to_crs(net.crs).iloc[0].area
    assert walk_area < circles.area  # walking reaches less than the crow flies


def test_threshold_resolution():
    standards = load_standards(override_path=None)
    assert resolve_threshold(standards, CoverageRequest("markets", "standard")).value == 500
    assert resolve_threshold(standards, CoverageRequest("parking_lots", "custom", custom_m=650)).value == 650
    with pytest.raises(CityDataError, match="自定义距离"):
        resolve_threshold(standards, CoverageRequest("markets", "custom"))
    with pytest.raises(CityDataError, match="未知设施"):
        resolve_threshold(standards, CoverageRequest("banks", "15min"))
