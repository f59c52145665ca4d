import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from chuangcheng.geo.coverage import (
    node_distance_m,
    service_area,
    straight_line_distance_m,
    summarize_by_area,
    walking_distance_m,
)
from chuangcheng.geo.network import build_network_from_arrays
from tests.geo.test_network import XY, hand_graph


def test_exact_node_distances_from_two_sources_with_offsets():
    net = hand_graph()
    dist = node_distance_m(net, np.array([0, 2]), np.array([0.0, 30.0]), cutoff_m=1000)
    # node 2 is itself a source (30 m offset); 3 is reached 0-1-4-3; the island never
    np.testing.assert_allclose(dist[:5], [0, 100, 30, 250, 150])
    assert np.isinf(dist[5:]).all()


def test_cutoff_is_inclusive_and_beyond_is_inf():
    net = hand_graph()
    dist = node_distance_m(net, np.array([0]), cutoff_m=150)
    np.testing.assert_allclose(dist[[0, 1, 4]], [0, 100, 150])  # exactly at the cutoff: reached
    assert np.isinf(dist[[2, 3]]).all()


def test_walking_distance_adds_both_snaps():
    net = hand_graph()
    facility = np.array([[0, 320]])  # 20 m off node 0
    residents = np.array(
        [
            [100, -15],  # 15 m off node 4: 20 + 150 + 15
            [505, 0],  # island: snapped to node 4 at 405 m -> 575
            [0, 330],
        ]
    )  # 30 m off node 0: 20 + 0 + 30
    d = walking_distance_m(net, facility, residents, cutoff_m=1000)
    np.testing.assert_allclose(d, [185, 575, 50])
    at_threshold = walking_distance_m(net, facility, residents, cutoff_m=185)
    assert at_threshold[0] == pytest.approx(185) and np.isinf(at_threshold[1])


def test_no_facilities_means_nobody_is_covered():
    net = hand_graph()
    assert np.isinf(walking_distance_m(net, np.zeros((0, 2)), XY[:2], cutoff_m=500)).all()
    assert np.isinf(straight_line_distance_m(np.zeros((0, 2)), XY[:2], cutoff_m=500)).all()


def test_straight_line_distance():
    d = straight_line_distance_m(np.array([[0, 0]]), np.array([[30, 40], [300, 400]]), cutoff_m=50)
    assert d[0] == pytest.approx(50) and np.isinf(d[1])


@pytest.mark.parametrize("seed", range(5))
def test_agrees_with_networkx_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = 300
    xy = rng.uniform(0, 2000, (n, 2))
    u = rng.integers(0, n, 900)
    v = rng.integers(0, n, 900)
    length = np.hypot(*(xy[u] - xy[v]).T) * rng.uniform(1.0, 1.3, 900)
    net = build_network_from_arrays(xy, u, v, length, crs="EPSG:4547")
    sources = rng.choice(n, 6, replace=False)
    offsets = rng.uniform(0, 50, 6)
    cutoff = 900.0
    ours = node_distance_m(net, sources, offsets, cutoff_m=cutoff)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for a, b, w in zip(u, v, length):
        if a != b and (not g.has_edge(a, b) or g[a][b]["weight"] > w):
            g.add_edge(int(a), int(b), weight=float(w))
    g.add_node("virtual")
    for s, o in zip(sources, offsets):
        g.add_edge("virtual", int(s), weight=float(o))
    ref = nx.single_source_dijkstra_path_length(g, "virtual", cutoff=cutoff, weight="weight")
    expected = np.array([ref.get(i, np.inf) for i in range(n)])
    np.testing.assert_allclose(ours, expected, atol=1e-9)


def test_summary_by_area_is_exact():
    codes = pd.Series(["A", "A", "B", "C"])
    pop = pd.Series([100, 50, 30, 0])
    dist = np.array([200.0, np.inf, 500.0, np.inf])
    out = summarize_by_area(codes, pop, dist, cutoff_m=500)
    assert out.loc[
        "A", ["population", "covered_population", "uncovered_population", "compounds", "uncovered_compounds"]
    ].tolist() == [150, 100, 50, 2, 1]
    assert out.loc["A", "covered_share"] == pytest.approx(2 / 3)
    assert out.loc["B", "covered_share"] == 1.0 and np.isnan(out.loc["C", "covered_share"])


def test_service_area_follows_the_streets_not_a_circle():
    net = hand_graph()
    dist = node_distance_m(net, np.array([0]), cutoff_m=180)
    area = service_area(net, dist, cutoff_m=180, frontage_m=5)
    # Reached: 0-1 whole, 1-2 for 80 m, 1-4 whole (150 <= 180) then 4-3 for 30 m, 0-3 for 180 m.
    inside = [(50, 300), (179, 300), (100, 100), (70, 0), (0, 125)]
    outside = [(185, 300), (60, 0), (0, 110), (130, 150)]
    assert all(area.contains(shapely.Point(p)) for p in inside)
    assert not any(area.contains(shapely.Point(p)) for p in outside)
