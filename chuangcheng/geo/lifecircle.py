"""The 15分钟生活圈 analysis of a city: who lacks a facility within a walk, and where to add one.

Ties together the city's layers (EPSG:4326), the walking network (metric CRS), the thresholds
table and the coverage engine. Residents are the residential compounds, each at a point inside
it, with its population. Everything returned is traceable: every distance is per compound, every
area figure is a sum over its compounds, every threshold carries its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from chuangcheng import registry
from chuangcheng.geo.coverage import (
    METHOD_TITLES,
    NETWORK,
    STRAIGHT_LINE,
    node_distance_m,
    service_area,
    straight_line_distance_m,
    summarize_by_area,
)
from chuangcheng.geo.crs import WGS84
from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.network import WalkNetwork, snap
from chuangcheng.geo.siting import choose_sites
from chuangcheng.geo.standards import Threshold, threshold


class Totals(TypedDict):
    """A coverage result counted: residents and compounds, and the covered share (0–1, NaN
    when there are no residents)."""

    population: int
    covered_population: int
    uncovered_population: int
    compounds: int
    uncovered_compounds: int
    covered_share: float


@dataclass(frozen=True)
class FacilityType:
    layer: str
    title_zh: str
    id_col: str
    name_col: str
    standard_key: str  # the facility's own service-radius threshold


def _facility_type(spec: registry.Layer) -> FacilityType:
    title = spec.show.short_title if spec.show else spec.title_zh
    name = spec.name_field or spec.id_field  # a facility without names is labelled by its id
    return FacilityType(spec.name, title, spec.id_field, name, spec.standard_key or "")


# The facilities residents walk to: every registry layer with a service-radius standard.
FACILITY_TYPES: Mapping[str, FacilityType] = registry.LayerView(
    _facility_type, lambda spec: spec.standard_key is not None
)
# Walking bands: the life-circle tiers of GB 50180-2018, plus each facility's own standard.
BANDS: dict[str, tuple[str, str | None]] = {
    "5min": ("5分钟生活圈", "life_circle_5min_m"),
    "10min": ("10分钟生活圈", "life_circle_10min_m"),
    "15min": ("15分钟生活圈", "life_circle_15min_m"),
    "standard": ("设施服务半径标准", None),
    "custom": ("自定义距离", None),
}
AREA_LEVELS = {
    "grids": ("网格", "grid_code", "grid_name"),
    "districts": ("区", "district_code", "district_name"),
    "communities": ("社区", "community_code", "community_name"),
    "streets": ("街道", "street_code", "street_name"),
}


@dataclass(frozen=True)
class CoverageRequest:
    facility: str = "public_toilets"
    band: str = "15min"
    custom_m: float | None = None
    method: str = NETWORK
    excluded_ids: frozenset[str] = field(default_factory=frozenset)


def resolve_threshold(standards: pd.DataFrame, request: CoverageRequest) -> Threshold:
    """The cutoff for a request, with its source (a custom distance says it is the user's)."""
    if request.facility not in FACILITY_TYPES:
        raise CityDataError(f"未知设施类型 “{request.facility}”，可选：{', '.join(FACILITY_TYPES)}。")
    if request.band == "custom":
        if request.custom_m is None or not request.custom_m > 0:
            raise CityDataError("自定义距离必须是大于 0 的米数。")
        return Threshold("custom", "用户自定义步行距离", float(request.custom_m), "m", "用户输入", "", "user")
    if request.band == "standard":
        return threshold(standards, FACILITY_TYPES[request.facility].standard_key)
    if request.band not in BANDS:
        raise CityDataError(f"未知步行圈 “{request.band}”，可选：{', '.join(BANDS)}。")
    key = BANDS[request.band][1]
    if key is None:  # "standard" and "custom" are answered above
        raise CityDataError(f"步行圈 “{request.band}” 没有对应的阈值。")
    return threshold(standards, key)


def points_xy(gdf: gpd.GeoDataFrame, crs: str) -> np.ndarray:
    """(x, y) in metres of a point inside each geometry, in ``crs``."""
    pts = gdf.to_crs(crs).geometry.representative_point()
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


@dataclass(frozen=True, eq=False)
class CoverageResult:
    request: CoverageRequest
    threshold: Threshold
    compounds: gpd.GeoDataFrame  # + distance_m (inf = not reached), covered
    facilities: gpd.GeoDataFrame  # in use (what-if exclusions removed)
    excluded: gpd.GeoDataFrame  # switched off for the what-if
    node_dist_m: np.ndarray | None  # per network node, for service areas (network method)

    @property
    def cutoff_m(self) -> float:
        return self.threshold.value

    @property
    def method_title(self) -> str:
        return METHOD_TITLES[self.request.method]

    def totals(self) -> Totals:
        pop = self.compounds["population"]
        covered = self.compounds["covered"]
        total = int(pop.sum())
        covered_pop = int(pop[covered].sum())
        return {
            "population": total,
            "covered_population": covered_pop,
            "uncovered_population": total - covered_pop,
            "compounds": len(self.compounds),
            "uncovered_compounds": int((~covered).sum()),
            "covered_share": covered_pop / total if total else float("nan"),
        }

    def by_area(self, areas: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
        """Coverage per 网格/社区/街道: the level's polygons with the sums of their compounds."""
        _, code_col, _ = AREA_LEVELS[level]
        summary = summarize_by_area(
            self.compounds[code_col],
            self.compounds["population"],
            self.compounds["distance_m"].to_numpy(),
            cutoff_m=self.cutoff_m,
        )
        # The area's own population column (if any) is replaced by the sum over its compounds.
        out = areas.drop(columns=[c for c in summary.columns if c in areas.columns]).merge(
            summary, left_on=code_col, right_index=True, how="left"
        )
        counts = ["population", "covered_population", "uncovered_population", "compounds", "uncovered_compounds"]
        out[counts] = out[counts].fillna(0).astype(np.int64)
        return out


def analyse(
    city: dict[str, gpd.GeoDataFrame], network: WalkNetwork, standards: pd.DataFrame, request: CoverageRequest
) -> CoverageResult:
    """Distance from every compound to its nearest facility of the requested type."""
    cutoff = resolve_threshold(standards, request)
    ftype = FACILITY_TYPES[request.facility]
    facilities = city[ftype.layer]
    off = facilities[ftype.id_col].astype(str).isin(request.excluded_ids)
    in_use, excluded = facilities[~off], facilities[off]
    compounds = city["compounds"]
    res_xy = points_xy(compounds, network.crs)
    fac_xy = points_xy(in_use, network.crs) if len(in_use) else np.zeros((0, 2))
    node_dist = None
    if request.method == STRAIGHT_LINE:
        dist = straight_line_distance_m(fac_xy, res_xy, cutoff_m=cutoff.value)
    elif request.method == NETWORK:
        fac_nodes, fac_snap = snap(network, fac_xy)
        node_dist = node_distance_m(network, fac_nodes, fac_snap, cutoff_m=cutoff.value)
        res_nodes, res_snap = snap(network, res_xy)
        total = node_dist[res_nodes] + res_snap
        dist = np.where(total <= cutoff.value, total, np.inf)
    else:
        raise CityDataError(f"未知计算方法 “{request.method}”，可选：{', '.join(METHOD_TITLES)}。")
    out = compounds.assign(distance_m=dist, covered=dist <= cutoff.value)
    return CoverageResult(request, cutoff, out, in_use, excluded, node_dist)


def service_area_wgs84(result: CoverageResult, network: WalkNetwork) -> gpd.GeoSeries:
    """The facilities' walking service area (network method) or buffers (straight line)."""
    if result.request.method == NETWORK and result.node_dist_m is not None:
        geom = service_area(network, result.node_dist_m, cutoff_m=result.cutoff_m)
    else:
        xy = points_xy(result.facilities, network.crs) if len(result.facilities) else np.zeros((0, 2))
        geom = shapely.union_all(shapely.buffer(shapely.points(xy), result.cutoff_m)) if len(xy) else shapely.Polygon()
    return gpd.GeoSeries([geom], crs=network.crs).to_crs(WGS84)


@dataclass(frozen=True, eq=False)
class SiteSuggestion:
    sites: gpd.GeoDataFrame  # rank, gain_population, cumulative shares, geometry (EPSG:4326)
    before_share: float
    after_share: float
    before_population: float
    after_population: float


def suggest_sites(
    result: CoverageResult, network: WalkNetwork, k: int, *, candidates_wgs84: gpd.GeoSeries | None = None
) -> SiteSuggestion:
    """The next ``k`` sites covering the most uncovered residents (network walking distance).

    Candidates are every node of the network's main component, or the given points (snapped,
    snapping distance added). Coverage after = before + the newly covered population.
    """
    if result.request.method != NETWORK:
        raise CityDataError("选址建议按沿路网步行距离计算，请先切换到“沿路网步行距离”。")
    compounds = result.compounds
    res_nodes, res_snap = snap(network, points_xy(compounds, network.crs))
    weight = np.where(compounds["covered"].to_numpy(), 0, compounds["population"].to_numpy())
    if candidates_wgs84 is None:
        cand_nodes = network.tree_nodes
        cand_offset = np.zeros(len(cand_nodes))
        cand_xy = network.xy_m[cand_nodes]
    else:
        pts = candidates_wgs84.to_crs(network.crs)
        cand_xy = np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])
        cand_nodes, cand_offset = snap(network, cand_xy)
    choices = choose_sites(network, cand_nodes, cand_offset, res_nodes, res_snap, weight, cutoff_m=result.cutoff_m, k=k)
    totals = result.totals()
    population = totals["population"]
    before = totals["covered_population"]
    gains = np.array([c.gain_population for c in choices])
    cumulative = before + np.cumsum(gains) if len(gains) else np.array([])
    xy = cand_xy[[c.candidate for c in choices]] if choices else np.zeros((0, 2))
    sites = gpd.GeoDataFrame(
        {
            "rank": np.arange(1, len(choices) + 1),
            "gain_population": gains.astype(np.int64),
            "newly_covered_compounds": [len(c.covered_residents) for c in choices],
            "covered_share_after": cumulative / population if population else cumulative,
        },
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=network.crs,
    ).to_crs(WGS84)
    after = int(cumulative[-1]) if len(cumulative) else before
    return SiteSuggestion(
        sites,
        before / population if population else float("nan"),
        after / population if population else float("nan"),
        before,
        after,
    )
