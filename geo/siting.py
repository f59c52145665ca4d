"""Where should the next k facilities go? Greedy maximum coverage of uncovered residents.

Candidates are network nodes or any points (snapped, with the snapping distance added). Each
round picks the candidate that brings the most not-yet-covered residents within the cutoff;
greedy selection is within (1 - 1/e) of the best possible k sites for this problem.

Cost: the candidates' limited searches run in batches of nearby candidates (ordered along a
Z-order curve), each on the part of the network inside the batch's bounding box widened by the
cutoff, found with the network's bucket index. A walk of at most the cutoff never leaves that
square (a walk is never shorter than the straight line), so the answer is exact while each
search touches thousands of nodes instead of the whole city.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from geo.network import WalkNetwork

BATCH_SOURCES = 64


def _morton_order(xy_m: np.ndarray, cell_m: float) -> np.ndarray:
    """Indices ordering points along a Z-order curve, so consecutive points are near each other."""
    cells = np.floor((xy_m - xy_m.min(axis=0)) / cell_m).astype(np.int64)
    code = np.zeros(len(xy_m), dtype=np.int64)
    for bit in range(21):
        code |= ((cells[:, 0] >> bit) & 1) << (2 * bit)
        code |= ((cells[:, 1] >> bit) & 1) << (2 * bit + 1)
    return np.argsort(code, kind="stable")


@dataclass(frozen=True)
class SiteChoice:
    """One chosen site: the candidate's index, and the residents' population it newly covers."""

    candidate: int
    gain_population: float
    covered_residents: np.ndarray  # indices of residents newly covered by this site


def choose_sites(network: WalkNetwork, candidate_nodes: np.ndarray,
                 candidate_offset_m: np.ndarray, resident_nodes: np.ndarray,
                 resident_offset_m: np.ndarray, resident_weight: np.ndarray, *,
                 cutoff_m: float, k: int) -> list[SiteChoice]:
    """Pick up to ``k`` candidates that cover the most weight within ``cutoff_m`` (metres).

    ``resident_weight`` is the population still uncovered (0 for covered residents). Stops
    early when no candidate adds anything.
    """
    candidate_nodes = np.asarray(candidate_nodes, dtype=np.int64)
    candidate_offset_m = np.asarray(candidate_offset_m, dtype=float)
    resident_nodes = np.asarray(resident_nodes, dtype=np.int64)
    resident_offset_m = np.asarray(resident_offset_m, dtype=float)
    weight = np.asarray(resident_weight, dtype=float).copy()
    active = (weight > 0) & (resident_offset_m <= cutoff_m)
    # Residents and candidates are snapped to the main component, the only part in the KD-tree.
    useful = (candidate_offset_m <= cutoff_m) & \
        (network.component[candidate_nodes] == network.main_component)
    if k <= 0 or not active.any() or not useful.any():
        return []
    cand_idx = np.flatnonzero(useful)
    res_active = np.flatnonzero(active)
    node_xy = network.xy_m
    cand_idx = cand_idx[_morton_order(node_xy[candidate_nodes[cand_idx]], cutoff_m)]
    local = np.full(network.n_nodes, -1)
    rows, cols = [], []
    for start in range(0, len(cand_idx), BATCH_SOURCES):
        batch = cand_idx[start:start + BATCH_SOURCES]
        pts = node_xy[candidate_nodes[batch]]
        nodes = network.nodes_in_box(pts.min(axis=0) - cutoff_m, pts.max(axis=0) + cutoff_m)
        local[nodes] = np.arange(len(nodes))
        near = res_active[local[resident_nodes[res_active]] >= 0]
        if len(near) == 0:
            local[nodes] = -1
            continue
        sub = network.graph[nodes][:, nodes]
        dist = dijkstra(sub, directed=True, indices=local[candidate_nodes[batch]], limit=cutoff_m)
        total = dist[:, local[resident_nodes[near]]] + candidate_offset_m[batch][:, None] + \
            resident_offset_m[near][None, :]
        local[nodes] = -1
        r, c = np.nonzero(total <= cutoff_m)
        rows.append(r + start)
        cols.append(np.searchsorted(res_active, near[c]))
    if not rows:
        return []
    rows_arr, cols_arr = np.concatenate(rows), np.concatenate(cols)
    cover = csr_matrix((np.ones(len(rows_arr)), (rows_arr, cols_arr)),
                       shape=(len(cand_idx), len(res_active)))
    w = weight[res_active]
    # 3. Greedy: each round one sparse product gives every candidate's gain.
    chosen: list[SiteChoice] = []
    for _ in range(k):
        gains = cover @ w
        if gains.max() <= 0:
            break
        ties = np.flatnonzero(gains == gains.max())
        best = int(ties[np.argmin(cand_idx[ties])])  # ties go to the candidate listed first
        newly = cover.indices[cover.indptr[best]:cover.indptr[best + 1]]
        newly = newly[w[newly] > 0]
        chosen.append(SiteChoice(candidate=int(cand_idx[best]), gain_population=float(gains[best]),
                                 covered_residents=res_active[newly]))
        w[newly] = 0.0
    return chosen
