"""The walking network as a graph: built once from edges, queried many times.

A :class:`WalkNetwork` holds an undirected CSR adjacency matrix whose weights are edge lengths in
metres, the node coordinates in the local metric CRS (CGCS2000 Gauss-Krüger, metres) and a
KD-tree for snapping. Duplicate edges keep their shortest length (scipy's sparse constructors
would silently add them up) and zero lengths become 1 mm (csgraph treats explicit zeros as
"no edge").
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from chuangcheng.geo.crs import local_metric_crs
from chuangcheng.geo.errors import CityDataError

MIN_EDGE_M = 1e-3
GRID_CELL_M = 500.0
_CELL_KEY_BASE = 1 << 31


@dataclass(frozen=True, eq=False)
class WalkNetwork:
    """An undirected walking graph; nothing mutates it after :func:`build_network`."""

    graph: csr_matrix  # (n, n) symmetric, lengths in metres
    xy_m: np.ndarray  # (n, 2) node coordinates in ``crs``, metres
    crs: str  # the metric CRS, e.g. "EPSG:4547"
    component: np.ndarray  # (n,) connected-component label of each node
    main_component: int  # label of the largest component
    tree: cKDTree  # over the nodes of the largest component only
    tree_nodes: np.ndarray  # node index of each point in ``tree``
    edges_uv: np.ndarray  # (m, 2) node indices of each unique edge
    edges_length_m: np.ndarray  # (m,) length of each unique edge, metres
    cell_keys: np.ndarray  # sorted square-cell key of each main-component node ...
    cell_nodes: np.ndarray  # ... and the node, in the same order (a bucket index)

    @property
    def n_nodes(self) -> int:
        return self.graph.shape[0]

    @property
    def n_components(self) -> int:
        return int(self.component.max()) + 1 if len(self.component) else 0

    def nodes_in_box(self, lo_m: np.ndarray, hi_m: np.ndarray) -> np.ndarray:
        """Main-component nodes whose cells meet the box [lo, hi] (metres); a superset of the
        nodes inside it, found from the bucket index without scanning every node."""
        c_lo = np.floor(np.asarray(lo_m) / GRID_CELL_M).astype(np.int64)
        c_hi = np.floor(np.asarray(hi_m) / GRID_CELL_M).astype(np.int64)
        cx, cy = np.meshgrid(np.arange(c_lo[0], c_hi[0] + 1), np.arange(c_lo[1], c_hi[1] + 1))
        keys = _cell_key(cx.ravel(), cy.ravel())
        start = np.searchsorted(self.cell_keys, keys, side="left")
        stop = np.searchsorted(self.cell_keys, keys, side="right")
        counts = stop - start
        if counts.sum() == 0:
            return np.zeros(0, dtype=np.int64)
        ends = np.cumsum(counts)
        flat = np.repeat(start, counts) + np.arange(ends[-1]) - np.repeat(ends - counts, counts)
        return self.cell_nodes[flat]


def build_network_from_arrays(
    xy_m: np.ndarray, u: np.ndarray, v: np.ndarray, length_m: np.ndarray, *, crs: str
) -> WalkNetwork:
    """Build the graph from node coordinates (metres) and edge endpoints/lengths (metres)."""
    xy_m = np.asarray(xy_m, dtype=float)
    n = len(xy_m)
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    length_m = np.asarray(length_m, dtype=float)
    if n == 0 or len(u) == 0:
        raise CityDataError("步行路网为空：没有节点或路段，无法计算步行距离。")
    if u.min() < 0 or v.min() < 0 or max(u.max(), v.max()) >= n:
        raise CityDataError("路段端点编号超出节点范围，请检查路网的 u/v 字段。")
    if not np.isfinite(length_m).all() or (length_m < 0).any():
        raise CityDataError("路段长度必须是非负的有限数（单位：米）。")
    keep = u != v  # self-loops never shorten a path
    a, b = np.minimum(u[keep], v[keep]), np.maximum(u[keep], v[keep])
    w = np.maximum(length_m[keep], MIN_EDGE_M)
    unique = pd.DataFrame({"a": a, "b": b, "w": w}).groupby(["a", "b"], sort=True)["w"].min()
    ua = unique.index.get_level_values(0).to_numpy()
    ub = unique.index.get_level_values(1).to_numpy()
    uw = unique.to_numpy()
    graph = csr_matrix((np.r_[uw, uw], (np.r_[ua, ub], np.r_[ub, ua])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    main = int(np.argmax(np.bincount(component)))
    tree_nodes = np.flatnonzero(component == main)
    cells = np.floor(xy_m[tree_nodes] / GRID_CELL_M).astype(np.int64)
    keys = _cell_key(cells[:, 0], cells[:, 1])
    order = np.argsort(keys, kind="stable")
    return WalkNetwork(
        graph=graph,
        xy_m=xy_m,
        crs=crs,
        component=component,
        main_component=main,
        tree=cKDTree(xy_m[tree_nodes]),
        tree_nodes=tree_nodes,
        edges_uv=np.column_stack([ua, ub]),
        edges_length_m=uw,
        cell_keys=keys[order],
        cell_nodes=tree_nodes[order],
    )


def _cell_key(cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    return (cx + _CELL_KEY_BASE // 2) * _CELL_KEY_BASE + (cy + _CELL_KEY_BASE // 2)


def build_network(nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> WalkNetwork:
    """The graph of a city file's ``walk_nodes`` (``node_id``) and ``walk_edges`` (u, v, length_m).

    Node coordinates are projected to the metric CRS chosen from the data.
    """
    crs = local_metric_crs(nodes)
    projected = nodes.to_crs(crs)
    order = np.argsort(projected["node_id"].to_numpy())
    ids = projected["node_id"].to_numpy()[order]
    if not np.array_equal(ids, np.arange(len(ids))):
        # Arbitrary ids: map them to 0..n-1.
        index = pd.Series(np.arange(len(ids)), index=ids)
        u = index.reindex(edges["u"].to_numpy()).to_numpy()
        v = index.reindex(edges["v"].to_numpy()).to_numpy()
        if np.isnan(u).any() or np.isnan(v).any():
            raise CityDataError("有路段的端点不在节点表中，请检查 walk_edges 的 u/v。")
    else:
        u, v = edges["u"].to_numpy(), edges["v"].to_numpy()
    geom = projected.geometry.values[order]
    xy = np.column_stack([shapely.get_x(geom), shapely.get_y(geom)])
    return build_network_from_arrays(xy, u, v, edges["length_m"].to_numpy(), crs=crs)


def network_from_lines(lines: gpd.GeoDataFrame) -> WalkNetwork:
    """A graph from line geometries whose shared vertices are the junctions (as OSM ways are).

    Every vertex becomes a node and every consecutive vertex pair an edge whose length is
    measured in the metric CRS chosen from the data.
    """
    crs = local_metric_crs(lines)
    geoms = lines.to_crs(crs).geometry
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    parts = shapely.get_parts(geoms.values)
    parts = parts[shapely.get_type_id(parts) == 1]  # LineStrings
    coords, line_idx = shapely.get_coordinates(parts, return_index=True)
    # Junctions are exact shared vertices; round to the millimetre to merge float noise.
    key = np.round(coords, 3)
    uniq, node = np.unique(key, axis=0, return_inverse=True)
    node = node.ravel()
    same_line = line_idx[1:] == line_idx[:-1]
    u, v = node[:-1][same_line], node[1:][same_line]
    length = np.hypot(*(coords[1:][same_line] - coords[:-1][same_line]).T)
    return build_network_from_arrays(uniq, u, v, length, crs=crs)


def snap(network: WalkNetwork, xy_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest node of the largest component for each point (metres, network CRS).

    Returns ``(node index, snapping distance in metres)``. Snapping to the largest component
    keeps a point from landing on an island that reaches nobody.
    """
    xy_m = np.asarray(xy_m, dtype=float).reshape(-1, 2)
    if len(xy_m) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    dist, idx = network.tree.query(xy_m)
    return network.tree_nodes[idx], dist
