"""Siting on a street where the best site is known::

    0 -- 1 -- 2 -- 3 -- 4 -- 5 -- 6 -- 7 -- 8      (100 m apart)
    A              B                   C    D      residents: A 100 at node 0, B 300 at node 3,
                                                   C 250 at node 7, D 60 at node 8
Ties go to the candidate listed first.
"""

import numpy as np
import pytest

from chuangcheng.geo.network import build_network_from_arrays
from chuangcheng.geo.siting import choose_sites

XY = np.column_stack([np.arange(9) * 100.0, np.zeros(9)])
NET = build_network_from_arrays(XY, np.arange(8), np.arange(1, 9), np.full(8, 100.0), crs="EPSG:4547")
RES_NODES = np.array([0, 3, 7, 8])
RES_OFFSET = np.zeros(4)
WEIGHT = np.array([100.0, 300.0, 250.0, 60.0])


def test_best_sites_in_order():
    chosen = choose_sites(NET, np.arange(9), np.zeros(9), RES_NODES, RES_OFFSET, WEIGHT, cutoff_m=150, k=3)
    # Within 150 m: nodes 7/8 cover C+D (310); then nodes 2/3/4 cover B (300); then 0/1 cover A.
    assert [c.candidate for c in chosen] == [7, 2, 0]
    assert [c.gain_population for c in chosen] == [310, 300, 100]
    assert sorted(np.concatenate([c.covered_residents for c in chosen]).tolist()) == [0, 1, 2, 3]


def test_one_site_reaching_two_clusters_beats_two_separate_ones():
    chosen = choose_sites(NET, np.arange(9), np.zeros(9), RES_NODES, RES_OFFSET, WEIGHT, cutoff_m=250, k=1)
    # Within 250 m node 5 reaches B (200 m) and C (200 m): 550; node 2 only A+B (400).
    assert chosen[0].candidate == 5 and chosen[0].gain_population == 550


def test_covered_residents_and_far_candidates_add_nothing():
    weight = np.array([0.0, 0.0, 0.0, 0.0])
    assert choose_sites(NET, np.arange(9), np.zeros(9), RES_NODES, RES_OFFSET, weight, cutoff_m=150, k=3) == []
    # A candidate 500 m off the network cannot cover anyone within 150 m.
    assert choose_sites(NET, np.array([3]), np.array([500.0]), RES_NODES, RES_OFFSET, WEIGHT, cutoff_m=150, k=1) == []


def test_stops_when_nothing_more_to_gain():
    chosen = choose_sites(NET, np.arange(9), np.zeros(9), RES_NODES, RES_OFFSET, WEIGHT, cutoff_m=1000, k=5)
    assert len(chosen) == 1 and chosen[0].gain_population == pytest.approx(710)


@pytest.mark.parametrize("n_res", [400, 20])  # searches from the candidates / from the residents
def test_matches_brute_force_on_a_random_city(n_res):
    """The box-restricted searches give exactly the greedy choice of a whole-network search."""
    from scipy.sparse.csgraph import dijkstra

    from bench.coverage_bench import generated_network

    net = generated_network(60, seed=4)
    rng = np.random.default_rng(4)
    cands = rng.choice(net.tree_nodes, 150, replace=False)
    res = rng.choice(net.tree_nodes, n_res, replace=False)
    off = rng.uniform(0, 40, n_res)
    weight = rng.integers(1, 100, n_res).astype(float)
    chosen = choose_sites(net, cands, np.zeros(150), res, off, weight, cutoff_m=600, k=5)
    full = dijkstra(net.graph, indices=cands, limit=600)[:, res] + off[None, :]
    cover = full <= 600
    w = weight.copy()
    expected = []
    for _ in range(5):
        gains = cover @ w
        best = int(np.argmax(gains))  # ties: first in candidate order, as choose_sites does
        expected.append((gains[best], set(np.flatnonzero(cover[best] & (w > 0)))))
        w[cover[best]] = 0
    assert [c.gain_population for c in chosen] == [g for g, _ in expected]
    assert [set(c.covered_residents) for c in chosen] == [r for _, r in expected]


def test_nodes_in_box_is_a_superset_of_the_box():
    from bench.coverage_bench import generated_network

    net = generated_network(40, seed=5)
    lo, hi = np.array([500.0, 700.0]), np.array([1500.0, 2100.0])
    found = set(net.nodes_in_box(lo, hi).tolist())
    inside = np.all((net.xy_m >= lo) & (net.xy_m <= hi), axis=1)
    main = net.component == net.main_component
    assert set(np.flatnonzero(inside & main).tolist()) <= found
