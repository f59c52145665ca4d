"""Where should the next k facilities go? Greedy maximum coverage of uncovered residents.

Candidates are network nodes or any points (snapped, with the snapping distance added). Each
round picks the candidate that brings the most not-yet-covered residents within the cutoff;
greedy selection is within (1 - 1/e) of the best possible k sites for this problem.

Cost: one multi-source Dijkstra from the uncovered residents finds the only part of the network
that matters (every path from a useful site to a resident within the cutoff lies inside it); the
candidates' limited searches then run on that subgraph only, in batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from geo.coverage import node_distance_m
from geo.network import WalkNetwork

BATCH_SOURCES = 64


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
    if k <= 0 or not active.any() or len(candidate_nodes) == 0:
        return []
    # 1. The part of the network within the cutoff of some uncovered resident.
    reach = node_distance_m(network, resident_nodes[active], resident_offset_m[active],
                            cutoff_m=cutoff_m)
    inside = np.isfinite(reach)
    useful = inside[candidate_nodes] & (candidate_offset_m <= cutoff_m)
    cand_idx = np.flatnonzero(useful)
    if len(cand_idx) == 0:
        return []
    local = np.full(network.n_nodes, -1)
    local[np.flatnonzero(inside)] = np.arange(inside.sum())
    sub = network.graph[inside][:, inside]
    res_active = np.flatnonzero(active & inside[resident_nodes])
    res_local = local[resident_nodes[res_active]]
    # 2. Which residents each useful candidate covers (sparse candidate x resident matrix).
    rows, cols = [], []
    for start in range(0, len(cand_idx), BATCH_SOURCES):
        batch = cand_idx[start:start + BATCH_SOURCES]
        dist = dijkstra(sub, directed=True, indices=local[candidate_nodes[batch]], limit=cutoff_m)
        total = dist[:, res_local] + candidate_offset_m[batch][:, None] + \
            resident_offset_m[res_active][None, :]
        r, c = np.nonzero(total <= cutoff_m)
        rows.append(r + start)
        cols.append(c)
    rows_arr, cols_arr = np.concatenate(rows), np.concatenate(cols)
    cover = csr_matrix((np.ones(len(rows_arr)), (rows_arr, cols_arr)),
                       shape=(len(cand_idx), len(res_active)))
    w = weight[res_active]
    # 3. Greedy: each round one sparse product gives every candidate's gain.
    chosen: list[SiteChoice] = []
    for _ in range(k):
        gains = cover @ w
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        newly = cover.indices[cover.indptr[best]:cover.indptr[best + 1]]
        newly = newly[w[newly] > 0]
        chosen.append(SiteChoice(candidate=int(cand_idx[best]), gain_population=float(gains[best]),
                                 covered_residents=res_active[newly]))
        w[newly] = 0.0
    return chosen
