"""Walking distance to the nearest facility, for every resident at once, and what it covers.

Distances are true shortest paths along the walking network (metres), computed by one
multi-source Dijkstra per facility type with the cutoff applied (``scipy.sparse.csgraph``).
Each facility and each resident is snapped to the nearest node of the network's largest
component and the snapping distance is added to the walk, so a facility 40 m off the street
costs those 40 m. Beyond the cutoff a distance is ``inf`` ("not reached"), never the cutoff.

A straight-line screen (:func:`straight_line_distance_m`) is offered for comparison and is
labelled as such wherever it is shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from chuangcheng.geo.network import MIN_EDGE_M, WalkNetwork, snap

NETWORK = "network"
STRAIGHT_LINE = "straight_line"
METHOD_TITLES = {NETWORK: "沿路网步行距离", STRAIGHT_LINE: "直线距离（快速筛查，非步行距离）"}


def node_distance_m(
    network: WalkNetwork, source_nodes: np.ndarray, source_offset_m: np.ndarray | None = None, *, cutoff_m: float
) -> np.ndarray:
    """Walking distance (metres) from the nearest source to every node; ``inf`` beyond cutoff.

    ``source_offset_m`` is added at each source (its snapping distance). All sources are
    searched together: a virtual node joined to every source by an edge of its offset is the
    single start of one Dijkstra run.
    """
    n = network.n_nodes
    source_nodes = np.asarray(source_nodes, dtype=np.int64)
    if len(source_nodes) == 0:
        return np.full(n, np.inf)
    offsets = np.zeros(len(source_nodes)) if source_offset_m is None else np.asarray(source_offset_m, dtype=float)
    # Several facilities on one node: the nearest one counts.
    order = np.lexsort((offsets, source_nodes))
    first = np.r_[True, source_nodes[order][1:] != source_nodes[order][:-1]]
    nodes, offs = source_nodes[order][first], offsets[order][first]
    g = network.graph
    # csgraph ignores explicit zero weights, so every virtual edge carries 1 mm, removed below.
    augmented = csr_matrix(
        (np.r_[g.data, offs + MIN_EDGE_M], np.r_[g.indices, nodes], np.r_[g.indptr, g.indptr[-1] + len(nodes)]),
        shape=(n + 1, n + 1),
    )
    dist = dijkstra(augmented, directed=True, indices=n, limit=cutoff_m + MIN_EDGE_M)
    return dist[:n] - MIN_EDGE_M


def walking_distance_m(
    network: WalkNetwork, facility_xy_m: np.ndarray, resident_xy_m: np.ndarray, *, cutoff_m: float
) -> np.ndarray:
    """Walking distance (metres) from each resident point to its nearest facility.

    Points are (x, y) in the network's metric CRS. ``inf`` where no facility is within
    ``cutoff_m``. A resident exactly at the cutoff counts as reached.
    """
    fac_nodes, fac_snap_m = snap(network, facility_xy_m)
    res_nodes, res_snap_m = snap(network, resident_xy_m)
    to_node = node_distance_m(network, fac_nodes, fac_snap_m, cutoff_m=cutoff_m)
    total = to_node[res_nodes] + res_snap_m
    return np.where(total <= cutoff_m, total, np.inf)


def straight_line_distance_m(facility_xy_m: np.ndarray, resident_xy_m: np.ndarray, *, cutoff_m: float) -> np.ndarray:
    """Straight-line distance (metres) to the nearest facility; ``inf`` beyond ``cutoff_m``."""
    facility_xy_m = np.asarray(facility_xy_m, dtype=float).reshape(-1, 2)
    resident_xy_m = np.asarray(resident_xy_m, dtype=float).reshape(-1, 2)
    if len(facility_xy_m) == 0:
        return np.full(len(resident_xy_m), np.inf)
    dist, _ = cKDTree(facility_xy_m).query(resident_xy_m, distance_upper_bound=cutoff_m * (1 + 1e-12))
    return np.where(dist <= cutoff_m, dist, np.inf)


def summarize_by_area(
    area_code: pd.Series, population: pd.Series, distance_m: np.ndarray, *, cutoff_m: float
) -> pd.DataFrame:
    """Per-area coverage: residents and compounds within ``cutoff_m`` and beyond it.

    Columns: population, covered_population, uncovered_population, compounds,
    uncovered_compounds, covered_share (0–1; NaN for an area with no residents).
    """
    covered = np.asarray(distance_m) <= cutoff_m
    frame = pd.DataFrame(
        {"area_code": area_code.to_numpy(), "population": population.to_numpy(dtype=np.int64), "covered": covered}
    )
    frame["covered_population"] = np.where(frame["covered"], frame["population"], 0)
    frame["uncovered_compound"] = (~frame["covered"]).astype(int)
    out = frame.groupby("area_code").agg(
        population=("population", "sum"),
        covered_population=("covered_population", "sum"),
        compounds=("covered", "size"),
        uncovered_compounds=("uncovered_compound", "sum"),
    )
    out["uncovered_population"] = out["population"] - out["covered_population"]
    out["covered_share"] = np.where(
        out["population"] > 0, out["covered_population"] / out["population"].where(out["population"] > 0, 1), np.nan
    )
    return out[
        [
            "population",
            "covered_population",
            "uncovered_population",
            "compounds",
            "uncovered_compounds",
            "covered_share",
        ]
    ]


def service_area(
    network: WalkNetwork, node_dist_m: np.ndarray, *, cutoff_m: float, frontage_m: float = 40.0
) -> shapely.Geometry:
    """The area within ``cutoff_m`` walk of a facility, made from the reached streets.

    Every street is walked as far as the remaining distance allows from each reached end (a
    partly reached street contributes only its reached part), and the reached street lengths
    are widened by ``frontage_m`` on each side — the homes that line them. Metric CRS.
    """
    a, b = network.edges_uv[:, 0], network.edges_uv[:, 1]
    length = network.edges_length_m
    reach_a = np.clip(cutoff_m - node_dist_m[a], 0.0, None)  # inf distance -> 0 reach
    reach_b = np.clip(cutoff_m - node_dist_m[b], 0.0, None)
    reach_a = np.where(np.isfinite(reach_a), reach_a, 0.0)
    reach_b = np.where(np.isfinite(reach_b), reach_b, 0.0)
    xa, xb = network.xy_m[a], network.xy_m[b]
    whole = reach_a + reach_b >= length
    pieces = [shapely.linestrings(np.stack([xa[whole], xb[whole]], axis=1))]
    for start, end, reach in ((xa, xb, reach_a), (xb, xa, reach_b)):
        part = ~whole & (reach > 0)
        frac = (reach[part] / length[part])[:, None]
        tip = start[part] + (end[part] - start[part]) * frac
        pieces.append(shapely.linestrings(np.stack([start[part], tip], axis=1)))
    lines = np.concatenate(pieces)
    if len(lines) == 0:
        return shapely.Polygon()
    # Buffering each street then one union is ~3x faster than buffering the whole multiline.
    return shapely.union_all(shapely.buffer(lines, frontage_m, quad_segs=3))
