"""Generated 街道 / 社区 / 网格 polygons that tile the real district outline exactly.

Each level is a Voronoi partition of its parent, seeded by population-weighted k-means on the
residential compounds, so dense areas get small units and farmland large ones, as in reality.
All geometry is in the district's metric CRS (metres).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from chuangcheng.demo.names import (
    COMMUNITY_STEMS,
    STREET_NAMES_CENTRAL,
    STREET_NAMES_DIRECTIONAL,
    STREET_NAMES_OTHER,
    TOWNSHIP_NAMES,
)
from chuangcheng.demo.places import Town


def weighted_kmeans(
    points: np.ndarray, weights: np.ndarray, k: int, *, rng: np.random.Generator, iterations: int = 25
) -> np.ndarray:
    """Lloyd's k-means with point weights; returns ``k`` (or fewer, if fewer points) centres."""
    k = min(k, len(points))
    prob = weights / weights.sum()
    centres = points[rng.choice(len(points), size=k, replace=False, p=prob)]
    for _ in range(iterations):
        dist = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        label = dist.argmin(axis=1)
        for c in range(k):
            member = label == c
            if member.any():
                w = weights[member]
                centres[c] = (points[member] * w[:, None]).sum(axis=0) / w.sum()
    return np.unique(np.round(centres, 3), axis=0)


def voronoi_tiles(parent: shapely.Geometry, seeds: np.ndarray) -> list[shapely.Geometry]:
    """Cells of the seeds' Voronoi diagram clipped to ``parent``: they tile it exactly.

    A seed whose cell misses the parent gets no tile, so use :func:`voronoi_tiles_indexed`
    when tiles must stay matched to their seeds.
    """
    return [tile for _, tile in voronoi_tiles_indexed(parent, seeds)]


def voronoi_tiles_indexed(parent: shapely.Geometry, seeds: np.ndarray) -> list[tuple[int, shapely.Geometry]]:
    """``(seed index, tile)`` pairs of the clipped Voronoi partition of ``parent``."""
    if len(seeds) == 1:
        return [(0, parent)]
    diagram = shapely.voronoi_polygons(
        shapely.multipoints(seeds), extend_to=parent.envelope.buffer(5000.0), ordered=True
    )
    tiles = []
    for seed_idx, cell in enumerate(shapely.get_parts(diagram)):
        piece = shapely.intersection(cell, parent)
        polygons = [g for g in shapely.get_parts(piece) if g.geom_type == "Polygon" and g.area > 0]
        if polygons:
            tiles.append((seed_idx, shapely.multipolygons(polygons) if len(polygons) > 1 else polygons[0]))
    return tiles


def _order_north_to_south(geoms: list[shapely.Geometry], band_m: float) -> list[int]:
    """Indices ordered north→south in bands of ``band_m``, west→east within a band."""
    pts = shapely.point_on_surface(np.array(geoms, dtype=object))
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    band = np.floor(-y / band_m)
    return list(np.lexsort((x, band)))


def _seed_points(
    polygon: shapely.Geometry, compounds: gpd.GeoDataFrame, k: int, rng: np.random.Generator
) -> np.ndarray:
    """Population-weighted seeds; empty land gets a few seeds of its own."""
    inside = compounds[compounds.geometry.representative_point().within(polygon)]
    # A thin uniform sample keeps farmland from being swallowed by one urban cell.
    minx, miny, maxx, maxy = polygon.bounds
    n_uniform = 60
    ux = rng.uniform(minx, maxx, n_uniform * 4)
    uy = rng.uniform(miny, maxy, n_uniform * 4)
    keep = shapely.contains_xy(polygon, ux, uy)
    uniform = np.column_stack([ux[keep], uy[keep]])[:n_uniform]
    pts = inside.geometry.representative_point()
    points = np.vstack([np.column_stack([pts.x, pts.y]), uniform]) if len(inside) else uniform
    weights = (
        np.concatenate([inside["population"].to_numpy(dtype=float), np.full(len(uniform), 150.0)])
        if len(inside)
        else np.ones(len(uniform))
    )
    if len(points) == 0:
        c = polygon.representative_point()
        return np.array([[c.x, c.y]])
    return weighted_kmeans(points, weights, k, rng=rng)


@dataclass(frozen=True)
class StreetNames:
    """The name pools of one district's 街道 and 乡镇 (made up for the demo)."""

    central: str = STREET_NAMES_CENTRAL
    directional: tuple[tuple[str, str], ...] = tuple(STREET_NAMES_DIRECTIONAL.items())
    others: tuple[str, ...] = STREET_NAMES_OTHER
    townships: tuple[str, ...] = TOWNSHIP_NAMES
    community_offset: int = 0  # shifts the community-name pool so districts differ


def _street_names(
    tiles: list[shapely.Geometry],
    centre: Town | tuple[float, float],
    rural: list[bool],
    pools: StreetNames = StreetNames(),
) -> list[str]:
    pts = shapely.point_on_surface(np.array(tiles, dtype=object))
    dx = shapely.get_x(pts) - centre[0]
    dy = shapely.get_y(pts) - centre[1]
    dist = np.hypot(dx, dy)
    names: list[str | None] = [None] * len(tiles)
    urban = [i for i in np.argsort(dist) if not rural[i]]
    names[urban[0]] = pools.central
    directional = dict(pools.directional)
    used_dirs: set[str] = set()
    for i in urban[1:5] if directional else []:
        angle = np.degrees(np.arctan2(dy[i], dx[i]))
        direction = "东" if -45 <= angle < 45 else "北" if 45 <= angle < 135 else "南" if -135 <= angle < -45 else "西"
        if direction not in used_dirs:
            names[i] = directional[direction]
            used_dirs.add(direction)
    other = iter(pools.others)
    township = iter(pools.townships)
    for i in range(len(tiles)):
        if names[i] is None:
            names[i] = next(township) if rural[i] else next(other)
    return [str(n) for n in names]


# long: the demo's 区 → 街道 → 社区 → 网格 generation in one pass (generated data, fixed by seed)
def generate_hierarchy(
    district: shapely.Geometry,
    compounds: gpd.GeoDataFrame,
    centre: Town | tuple[float, float],
    *,
    adcode: str,
    n_urban_streets: int,
    n_townships: int,
    rng: np.random.Generator,
    crs: str,
    names: StreetNames = StreetNames(),
    scale: float = 1.0,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Streets, communities and grids (metric CRS) with 9-, 12- and 15-digit codes.

    Townships lie beyond ``9000 * scale`` metres of the centre; streets carry ``district_code``
    (the ``adcode``), communities their ``street_code``, grids their ``community_code``.
    """
    urban = compounds[~compounds["is_village"]]
    pts = urban.geometry.representative_point()
    urban_seeds = weighted_kmeans(
        np.column_stack([pts.x, pts.y]), urban["population"].to_numpy(dtype=float), n_urban_streets, rng=rng
    )
    # Townships: seeds spread over the land farthest from the city.
    minx, miny, maxx, maxy = district.bounds
    grid_x, grid_y = np.meshgrid(np.arange(minx, maxx, 500.0), np.arange(miny, maxy, 500.0))
    gx, gy = grid_x.ravel(), grid_y.ravel()
    far = shapely.contains_xy(district, gx, gy) & (np.hypot(gx - centre[0], gy - centre[1]) > 9000 * scale)
    rural_pts = np.column_stack([gx[far], gy[far]])
    rural_seeds = weighted_kmeans(rural_pts, np.ones(len(rural_pts)), n_townships, rng=rng)
    seeds = np.vstack([urban_seeds, rural_seeds])
    is_rural_seed = np.r_[np.zeros(len(urban_seeds), bool), np.ones(len(rural_seeds), bool)]

    indexed = voronoi_tiles_indexed(district, seeds)
    street_tiles = [tile for _, tile in indexed]
    rural_flags = [bool(is_rural_seed[seed_idx]) for seed_idx, _ in indexed]
    street_names = _street_names(street_tiles, centre, rural_flags, names)

    streets, communities, grids = [], [], []
    for s_rank, s_idx in enumerate(_order_north_to_south(street_tiles, 3000.0), start=1):
        s_geom = street_tiles[s_idx]
        s_code = f"{adcode}{s_rank:03d}"
        s_name = street_names[s_idx]
        rural = rural_flags[s_idx]
        s_pop = _population_in(compounds, s_geom)
        streets.append(
            {
                "street_code": s_code,
                "street_name": s_name,
                "district_code": adcode,
                "kind": "乡镇" if rural else "街道",
                "geometry": s_geom,
            }
        )
        n_comm = 5 if rural else max(3, int(round(s_pop / 9000)))
        c_tiles = voronoi_tiles(s_geom, _seed_points(s_geom, compounds, n_comm, rng))
        for c_rank, c_idx in enumerate(_order_north_to_south(c_tiles, 1000.0), start=1):
            c_geom = c_tiles[c_idx]
            c_code = f"{s_code}{c_rank:03d}"
            stem = COMMUNITY_STEMS[(int(s_code[-3:]) * 7 + c_rank * 3 + names.community_offset) % len(COMMUNITY_STEMS)]
            c_name = f"{stem}{'村' if rural else '社区'}"
            c_households = _population_in(compounds, c_geom, column="households")
            communities.append(
                {
                    "community_code": c_code,
                    "community_name": c_name,
                    "street_code": s_code,
                    "street_name": s_name,
                    "geometry": c_geom,
                }
            )
            n_grid = max(2, int(round(c_households / 350)))
            g_tiles = voronoi_tiles(c_geom, _seed_points(c_geom, compounds, n_grid, rng))
            for g_rank, g_idx in enumerate(_order_north_to_south(g_tiles, 300.0), start=1):
                grids.append(
                    {
                        "grid_code": f"{c_code}{g_rank:03d}",
                        "grid_name": f"{c_name}第{g_rank}网格",
                        "community_code": c_code,
                        "community_name": c_name,
                        "street_code": s_code,
                        "street_name": s_name,
                        "geometry": g_tiles[g_idx],
                    }
                )

    def frame(rows):
        gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
        gdf["area_m2"] = gdf.geometry.area.round(1)
        return gdf

    return frame(streets), frame(communities), frame(grids)


def _population_in(compounds: gpd.GeoDataFrame, polygon: shapely.Geometry, column: str = "population") -> int:
    inside = compounds.geometry.representative_point().within(polygon)
    return int(compounds.loc[inside, column].sum())
