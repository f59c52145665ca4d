"""A hand-drawn graph with known distances (metres)::

      0 ---100--- 1 ---100--- 2
      |           |
     300         50
      |           |
      3 ---100--- 4           5 ---10--- 6    (an island)

Node coordinates are on a 100 m lattice in EPSG:4547 so snapping distances are exact.
"""

import numpy as np
import pytest

from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.network import build_network_from_arrays, snap

XY = np.array([[0, 300], [100, 300], [200, 300], [0, 0], [100, 0], [500, 0], [510, 0]], float)
U = np.array([0, 1, 0, 1, 3, 5])
V = np.array([1, 2, 3, 4, 4, 6])
L = np.array([100, 100, 300, 50, 100, 10], float)


def hand_graph():
    return build_network_from_arrays(XY, U, V, L, crs="EPSG:4547")


def test_structure_and_components():
    net = hand_graph()
    assert net.n_nodes == 7 and net.n_components == 2
    assert set(net.tree_nodes) == {0, 1, 2, 3, 4}
    assert net.graph[1, 4] == 50 and net.graph[4, 1] == 50


def test_duplicate_edges_keep_the_shortest_not_the_sum():
    net = build_network_from_arrays(XY, np.r_[U, 1], np.r_[V, 0], np.r_[L, 40.0], crs="EPSG:4547")
    assert net.graph[0, 1] == 40 and net.graph.nnz == 2 * len(U)


def test_zero_length_edges_stay_edges_and_self_loops_go():
    net = build_network_from_arrays(XY[:2], [0, 0], [1, 0], [0.0, 5.0], crs="EPSG:4547")
    assert net.graph[0, 1] == pytest.approx(1e-3) and net.graph[0, 0] == 0 and net.n_components == 1


def test_snap_goes_to_the_main_component_with_its_distance():
    net = hand_graph()
    nodes, dist = snap(net, np.array([[100, 310], [505, 0]]))
    assert nodes[0] == 1 and dist[0] == pytest.approx(10)
    # Nearest is the island node 5 (5 m away); the main component's node 4 is 405 m away.
    assert nodes[1] == 4 and dist[1] == pytest.approx(405)


@pytest.mark.parametrize(
    "u, v, length, message", [([0], [9], [1.0], "超出节点范围"), ([0], [1], [-1.0], "非负"), ([], [], [], "为空")]
)
def test_bad_input_is_refused(u, v, length, message):
    with pytest.raises(CityDataError, match=message):
        build_network_from_arrays(XY[:2], u, v, length, crs="EPSG:4547")
