"""OpenStreetMap ``.osm.pbf`` extracts: the walking network, facilities and residents.

Read with GDAL's OSM driver (in pyogrio's wheel), so no OSM-specific package is needed. OSM
data is WGS84. Facilities come from OSM tags (amenity=toilets, amenity=marketplace,
amenity=parking); residents, when no population file is given, are estimated from residential
buildings: footprint area × levels ÷ floor area per person (a threshold-table value).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from chuangcheng import registry
from chuangcheng.geo.crs import local_metric_crs
from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.network import WalkNetwork, network_from_lines

# Ways a pedestrian may use; motorways and the like are left out.
WALKABLE_HIGHWAYS = frozenset(
    {
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "pedestrian",
        "footway",
        "path",
        "steps",
        "track",
        "cycleway",
        "corridor",
        "platform",
        "trunk",
        "trunk_link",
        "road",
    }
)
# The OSM tag of every registry layer that declares one (amenity=toilets, marketplace, parking).
FACILITY_TAGS: Mapping[str, tuple[str, str]] = registry.LayerView(
    lambda spec: spec.osm_tag, lambda spec: spec.osm_tag is not None
)
RESIDENTIAL_BUILDINGS = frozenset(
    {"residential", "apartments", "house", "detached", "terrace", "semidetached_house", "dormitory", "bungalow"}
)
DEFAULT_LEVELS = {"house": 2, "detached": 2, "semidetached_house": 2, "terrace": 2, "bungalow": 1}
DEFAULT_LEVELS_OTHER = 4


def tag(other_tags: pd.Series, key: str) -> pd.Series:
    """The value of ``key`` in GDAL's ``other_tags`` column (``"k"=>"v","k2"=>"v2"``)."""
    pattern = re.compile(r'"' + re.escape(key) + r'"=>"((?:[^"\\]|\\.)*)"')
    return other_tags.fillna("").map(lambda s: m.group(1) if (m := pattern.search(s)) else None)


def _read(path: Path, layer: str) -> gpd.GeoDataFrame:
    if not Path(path).is_file():
        raise CityDataError(f"找不到 OSM 文件 {path}。")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on unclosed rings
        try:
            return pyogrio.read_dataframe(path, layer=layer, on_invalid="ignore")
        except pyogrio.errors.DataSourceError as exc:
            raise CityDataError(f"无法读取 OSM 文件 {path}（图层 {layer}）：{exc}") from exc


def read_walk_lines(path: Path | str) -> gpd.GeoDataFrame:
    """The walkable ways of an extract (EPSG:4326), ``foot=no`` ways removed."""
    lines = _read(Path(path), "lines")
    walkable = lines["highway"].isin(WALKABLE_HIGHWAYS)
    if "other_tags" in lines.columns:
        walkable &= tag(lines["other_tags"], "foot").ne("no")
    out = lines.loc[walkable, ["osm_id", "name", "highway", "geometry"]]
    if out.empty:
        raise CityDataError(f"OSM 文件 {path} 中没有可步行的道路（highway=*）。")
    return out


def read_walk_network(path: Path | str) -> WalkNetwork:
    """The walking graph of an extract; ways join where they share a vertex, as in OSM."""
    return network_from_lines(read_walk_lines(path))


def read_facilities(path: Path | str, facility: str) -> gpd.GeoDataFrame:
    """Facilities of one kind from OSM tags, as points (areas become their inside point)."""
    try:
        key, value = FACILITY_TAGS[facility]
    except KeyError:
        raise CityDataError(f"不支持从 OSM 提取 “{facility}”，可选：{', '.join(FACILITY_TAGS)}。") from None
    frames = []
    points = _read(Path(path), "points")
    if "other_tags" in points.columns:
        hit = tag(points["other_tags"], key).eq(value)
        frames.append(points.loc[hit, ["osm_id", "name", "geometry"]])
    areas = _read(Path(path), "multipolygons")
    column = (
        areas[key]
        if key in areas.columns
        else tag(areas.get("other_tags", pd.Series(index=areas.index, dtype=object)), key)
    )
    hit = column.eq(value) & areas.geometry.notna()
    polys = areas.loc[hit, ["osm_id", "osm_way_id", "name", "geometry"]].copy()
    polys["osm_id"] = polys["osm_id"].fillna(polys["osm_way_id"])
    polys["geometry"] = polys.geometry.representative_point()
    frames.append(polys[["osm_id", "name", "geometry"]])
    out = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326")
    out["name"] = out["name"].fillna("（OSM 未命名）")
    return out


def read_residential_buildings(path: Path | str, *, floor_area_per_person_m2: float) -> gpd.GeoDataFrame:
    """Residential buildings with an estimated ``population`` (footprint × levels ÷ m²/person)."""
    areas = _read(Path(path), "multipolygons")
    if "building" not in areas.columns:
        raise CityDataError(f"OSM 文件 {path} 中没有建筑物（building=*），无法估算人口。请提供人口文件。")
    homes = areas[areas["building"].isin(RESIDENTIAL_BUILDINGS) & areas.geometry.notna()].copy()
    if homes.empty:
        raise CityDataError(f"OSM 文件 {path} 中没有住宅建筑，无法估算人口。请提供人口文件。")
    levels = pd.to_numeric(
        tag(homes.get("other_tags", pd.Series(index=homes.index, dtype=object)), "building:levels"), errors="coerce"
    )
    default = homes["building"].map(DEFAULT_LEVELS).fillna(DEFAULT_LEVELS_OTHER)
    homes["levels"] = levels.where(levels > 0, default)
    area_m2 = homes.to_crs(local_metric_crs(homes)).geometry.area
    homes["population"] = np.round(area_m2 * homes["levels"] / floor_area_per_person_m2).astype(int)
    homes["osm_id"] = homes["osm_id"].fillna(homes["osm_way_id"])
    return homes[["osm_id", "building", "levels", "population", "geometry"]].reset_index(drop=True)
