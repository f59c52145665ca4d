"""A generated walkable street network for the demo city (GENERATED, not surveyed).

The network is a multi-resolution lattice in the city's metric CRS (metres): 平城区's walled
old city is a fine grid of lanes (the real one is a north-south grid too), the inner city a
150 m grid, the outer city 300 m, suburbs 600 m and farmland 1200 m; the other districts' seats
are small towns with the same strides on tighter rings. Strides are powers of two and the
lattice has one origin, so every coarse node is also a node of the finer zones and zones and
districts join without gaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from chuangcheng.demo.names import road_names

BASE_SPACING_M = 75.0

# (radius of the ring in metres, stride) around 平城区's old city; first match wins.
OLD_CITY_HALF_M = 900.0
RING_STRIDES = ((3500.0, 2), (6500.0, 4), (9500.0, 8))
# District seats are small towns: the same strides on tighter rings.
TOWN_RING_STRIDES = ((1200.0, 2), (2500.0, 4), (4500.0, 8))
RURAL_STRIDE = 16


@dataclass(frozen=True)
class Seat:
    """A centre of settlement in metric coordinates: its lattice rings and old-city square."""

    x_m: float
    y_m: float
    rings: tuple[tuple[float, int], ...] = RING_STRIDES
    old_city_half_m: float = 0.0

    @property
    def urban_radius_m(self) -> float:
        return self.rings[-1][0]


def stride_at(
    dx_m: np.ndarray, dy_m: np.ndarray, rings=RING_STRIDES, old_city_half_m: float = OLD_CITY_HALF_M
) -> np.ndarray:
    """Lattice stride (1, 2, 4, 8 or 16 base spacings) at offsets from a seat."""
    dist = np.hypot(dx_m, dy_m)
    stride = np.full(dx_m.shape, RURAL_STRIDE, dtype=int)
    for radius_m, k in reversed(rings):
        stride = np.where(dist <= radius_m, k, stride)
    in_old_city = (np.abs(dx_m) <= old_city_half_m) & (np.abs(dy_m) <= old_city_half_m)
    return np.where(in_old_city, 1, stride)


def _nearest_seat(x: np.ndarray, y: np.ndarray, seats: tuple[Seat, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(distance to the nearest seat in metres, whether beyond that seat's urban rings)."""
    dists = np.stack([np.hypot(x - s.x_m, y - s.y_m) for s in seats])
    nearest = dists.argmin(axis=0)
    dist = dists.min(axis=0)
    radius = np.array([s.urban_radius_m for s in seats])[nearest]
    return dist, dist > radius


def _classify(index_along: np.ndarray, rural: np.ndarray, in_old_city: np.ndarray) -> np.ndarray:
    """Road class of a lattice line from its index and the zone it runs through."""
    highway = np.full(index_along.shape, "residential", dtype=object)
    highway = np.where(index_along % 8 == 0, "secondary", highway)
    highway = np.where(index_along % 16 == 0, "primary", highway)
    highway = np.where(in_old_city & (index_along % 8 != 0), "living_street", highway)
    highway = np.where(rural, "unclassified", highway)
    return highway


# long: the demo's street network generation in one pass (generated data, fixed by seed)
def generate_network(
    area_m: shapely.Geometry, seats: tuple[Seat, ...], *, rng: np.random.Generator, crs: str
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Nodes and edges of the walking network inside ``area_m`` (metric CRS ``crs``).

    One lattice anchored at the first seat covers the whole area, fine near every seat and
    coarse in between, so the districts' networks join into one. Returns ``(nodes, edges)``:
    nodes with ``node_id``; edges with ``edge_id``, ``u``, ``v``, ``length_m``, ``highway`` and
    ``road_name``. Only the largest connected component is kept.
    """
    cx, cy = seats[0].x_m, seats[0].y_m
    minx, miny, maxx, maxy = area_m.bounds
    i_range = np.arange(int(np.floor((minx - cx) / BASE_SPACING_M)) - 1, int(np.ceil((maxx - cx) / BASE_SPACING_M)) + 2)
    j_range = np.arange(int(np.floor((miny - cy) / BASE_SPACING_M)) - 1, int(np.ceil((maxy - cy) / BASE_SPACING_M)) + 2)
    grid_i, grid_j = np.meshgrid(i_range, j_range)
    ii, jj = grid_i.ravel(), grid_j.ravel()
    dx, dy = ii * BASE_SPACING_M, jj * BASE_SPACING_M
    k = np.min(
        np.stack([stride_at(cx + dx - s.x_m, cy + dy - s.y_m, s.rings, s.old_city_half_m) for s in seats]), axis=0
    )
    exists = (ii % k == 0) & (jj % k == 0)
    ii, jj, k, dx, dy = ii[exists], jj[exists], k[exists], dx[exists], dy[exists]

    # Planned old city: nearly regular; elsewhere streets wander a little.
    jitter_m = np.where(k == 1, 3.0, 0.10 * BASE_SPACING_M * k)
    x = cx + dx + rng.normal(0.0, 1.0, dx.shape) * jitter_m
    y = cy + dy + rng.normal(0.0, 1.0, dy.shape) * jitter_m
    inside = shapely.contains_xy(area_m, x, y)
    ii, jj, k, x, y = ii[inside], jj[inside], k[inside], x[inside], y[inside]
    lattice = pd.DataFrame({"i": ii, "j": jj, "k": k, "x": x, "y": y})

    edges = pd.concat(
        [_lattice_edges(lattice, seats, along="i", across="j"), _lattice_edges(lattice, seats, along="j", across="i")],
        ignore_index=True,
    )
    # Thin out minor streets so blocks are not all identical (never arterials).
    minor = edges["highway"].isin(["residential", "unclassified"]).to_numpy()
    drop = minor & (rng.random(len(edges)) < 0.08)
    edges = edges[~drop].reset_index(drop=True)

    keep_nodes = _largest_component(len(lattice), edges["a"].to_numpy(), edges["b"].to_numpy())
    edges = edges[keep_nodes[edges["a"]] & keep_nodes[edges["b"]]].reset_index(drop=True)
    old_ids = np.flatnonzero(keep_nodes)
    new_id = np.full(len(lattice), -1)
    new_id[old_ids] = np.arange(len(old_ids))

    node_xy = lattice[["x", "y"]].to_numpy()[old_ids]
    nodes = gpd.GeoDataFrame(
        {"node_id": np.arange(len(old_ids))}, geometry=gpd.points_from_xy(node_xy[:, 0], node_xy[:, 1]), crs=crs
    )
    u = new_id[edges["a"].to_numpy()]
    v = new_id[edges["b"].to_numpy()]
    lines = shapely.linestrings(np.stack([node_xy[u], node_xy[v]], axis=1))
    edge_gdf = gpd.GeoDataFrame(
        {
            "edge_id": [f"E{a}-{b}" for a, b in zip(u.tolist(), v.tolist())],
            "u": u,
            "v": v,
            "length_m": np.round(shapely.length(lines), 2),
            "highway": edges["highway"].to_numpy(),
            "road_name": edges["road_name"].to_numpy(),
        },
        geometry=lines,
        crs=crs,
    )
    return nodes, edge_gdf


def _lattice_edges(lattice: pd.DataFrame, seats: tuple[Seat, ...], *, along: str, across: str) -> pd.DataFrame:
    """Edges between consecutive nodes of each lattice line (row or column)."""
    order = lattice.sort_values([across, along]).index.to_numpy()
    line = lattice[across].to_numpy()[order]
    pos = lattice[along].to_numpy()[order]
    stride = lattice["k"].to_numpy()[order]
    same_line = line[1:] == line[:-1]
    gap = pos[1:] - pos[:-1]
    # Neighbours in the same zone are one stride apart; a bigger gap is a hole or a zone whose
    # coarser grid does not use this line, so no street runs there.
    adjacent = same_line & (gap <= np.maximum(stride[1:], stride[:-1]))
    a = order[:-1][adjacent]
    b = order[1:][adjacent]
    line_idx = line[:-1][adjacent]
    x, y = lattice["x"].to_numpy()[a], lattice["y"].to_numpy()[a]
    _, rural = _nearest_seat(x, y, seats)
    in_old = np.zeros(len(a), dtype=bool)
    for s in seats:
        in_old |= (np.abs(x - s.x_m) <= s.old_city_half_m) & (np.abs(y - s.y_m) <= s.old_city_half_m)
    highway = _classify(line_idx, rural, in_old)
    names = road_names(line_idx, highway, east_west=(across == "j"))
    return pd.DataFrame({"a": a, "b": b, "highway": highway, "road_name": names})


def _largest_component(n_nodes: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n_nodes, n_nodes))
    _, labels = connected_components(graph, directed=False)
    counts = np.bincount(labels)
    return labels == np.argmax(counts)


def merge_roads(edges: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One (multi)line per named road and class, for drawing the basemap."""
    merged = edges.dissolve(by=["road_name", "highway"], as_index=False)
    merged["geometry"] = shapely.line_merge(merged.geometry.values)
    return merged[["road_name", "highway", "geometry"]]
