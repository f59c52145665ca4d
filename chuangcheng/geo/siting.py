"""Where should the next k facilities go? Greedy maximum coverage of uncovered residents.

Candidates are network nodes or any points (snapped, with the snapping distance added). Each
round picks the candidate that brings the most not-yet-covered residents within the cutoff;
greedy selection is within (1 - 1/e) of the best possible k sites for this problem.

Cost: candidates with no uncovered resident within a straight-line cutoff are skipped (a
prefix-sum grid answers that in O(1) each). The others' limited searches run in batches of nearby candidates (ordered along a
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

from chuangcheng.geo.network import WalkNetwork

BATCH_SOURCES = 64


class _SquareSums:
    """Sum of weights of points in any axis-aligned square, from a 2-D prefix-sum grid.

    The answer covers every cell the square touches, so it is never less than the exact sum.
    """

    def __init__(self, xy_m: np.ndarray, weight: np.ndarray, cell_m: float):
        self.cell_m = cell_m
        self.origin = xy_m.min(axis=0) if len(xy_m) else np.zeros(2)
        cells = np.floor((xy_m - self.origin) / cell_m).astype(np.int64)
        shape = cells.max(axis=0) + 1 if len(xy_m) else np.array([1, 1])
        grid = np.zeros((shape[0] + 1, shape[1] + 1))
        np.add.at(grid, (cells[:, 0] + 1, cells[:, 1] + 1), weight)
        self.prefix = grid.cumsum(axis=0).cumsum(axis=1)
        self.shape = shape

    def total(self, centre_xy_m: np.ndarray, half_m: float) -> np.ndarray:
        lo = np.floor((centre_xy_m - half_m - self.origin) / self.cell_m).astype(np.int64)
        hi = np.floor((centre_xy_m + half_m - self.origin) / self.cell_m).astype(np.int64)
        lo = np.clip(lo, 0, self.shape)
        hi = np.clip(hi + 1, 0, self.shape)
        p = self.prefix
        return p[hi[:, 0], hi[:, 1]] - p[lo[:, 0], hi[:, 1]] - p[hi[:, 0], lo[:, 1]] + p[lo[:, 0], lo[:, 1]]


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


def _pairs_within(
    network: WalkNetwork,
    src_nodes: np.ndarray,
    src_offset_m: np.ndarray,
    dst_nodes: np.ndarray,
    dst_offset_m: np.ndarray,
    cutoff_m: float,
) -> tuple[np.ndarray, np.ndarray]:
    """All (source i, destination j) with walk + both offsets <= ``cutoff_m``.

    Sources are searched in batches of neighbours (Z-order); each batch runs on the nodes inside
    its bounding box widened by the cutoff, which holds every walk of at most the cutoff.
    """
    node_xy = network.xy_m
    order = _morton_order(node_xy[src_nodes], cutoff_m)
    local = np.full(network.n_nodes, -1)
    src_out, dst_out = [], []
    for start in range(0, len(order), BATCH_SOURCES):
        batch = order[start : start + BATCH_SOURCES]
        pts = node_xy[src_nodes[batch]]
        nodes = network.nodes_in_box(pts.min(axis=0) - cutoff_m, pts.max(axis=0) + cutoff_m)
        local[nodes] = np.arange(len(nodes))
        near = np.flatnonzero(local[dst_nodes] >= 0)
        if len(near):
            sub = network.graph[nodes][:, nodes]
            dist = dijkstra(sub, directed=True, indices=local[src_nodes[batch]], limit=cutoff_m)
            total = dist[:, local[dst_nodes[near]]] + src_offset_m[batch][:, None] + dst_offset_m[near][None, :]
            i, j = np.nonzero(total <= cutoff_m)
            src_out.append(batch[i])
            dst_out.append(near[j])
        local[nodes] = -1
    if not src_out:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(src_out), np.concatenate(dst_out)


# long: the greedy siting loop with its bounds kept together (see the module docstring)
def choose_sites(
    network: WalkNetwork,
    candidate_nodes: np.ndarray,
    candidate_offset_m: np.ndarray,
    resident_nodes: np.ndarray,
    resident_offset_m: np.ndarray,
    resident_weight: np.ndarray,
    *,
    cutoff_m: float,
    k: int,
) -> list[SiteChoice]:
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
    useful = (candidate_offset_m <= cutoff_m) & (network.component[candidate_nodes] == network.main_component)
    if k <= 0 or not active.any() or not useful.any():
        return []
    res_active = np.flatnonzero(active)
    # A candidate with no uncovered resident within a straight-line cutoff can gain nothing
    # (a walk is never shorter than the straight line): skip its search.
    squares = _SquareSums(network.xy_m[resident_nodes[res_active]], weight[res_active], cutoff_m / 4)
    useful[useful] = squares.total(network.xy_m[candidate_nodes[useful]], cutoff_m) > 0
    cand_idx = np.flatnonzero(useful)
    if len(cand_idx) == 0:
        return []
    # d(c, r) = d(r, c) on an undirected network: search from whichever side is smaller.
    if len(res_active) < len(cand_idx):
        r_i, c_i = _pairs_within(
            network,
            resident_nodes[res_active],
            resident_offset_m[res_active],
            candidate_nodes[cand_idx],
            candidate_offset_m[cand_idx],
            cutoff_m,
        )
    else:
        c_i, r_i = _pairs_within(
            network,
            candidate_nodes[cand_idx],
            candidate_offset_m[cand_idx],
            resident_nodes[res_active],
            resident_offset_m[res_active],
            cutoff_m,
        )
    if len(c_i) == 0:
        return []
    rows_arr, cols_arr = c_i, r_i
    cover = csr_matrix((np.ones(len(rows_arr)), (rows_arr, cols_arr)), shape=(len(cand_idx), len(res_active)))
    w = weight[res_active]
    # Greedy: each round one sparse product gives every candidate's gain.
    chosen: list[SiteChoice] = []
    for _ in range(k):
        gains = cover @ w
        if gains.max() <= 0:
            break
        ties = np.flatnonzero(gains == gains.max())
        best = int(ties[np.argmin(cand_idx[ties])])  # ties go to the candidate listed first
        newly = cover.indices[cover.indptr[best] : cover.indptr[best + 1]]
        newly = newly[w[newly] > 0]
        chosen.append(
            SiteChoice(
                candidate=int(cand_idx[best]), gain_population=float(gains[best]), covered_residents=res_active[newly]
            )
        )
        w[newly] = 0.0
    return chosen
