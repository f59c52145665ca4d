"""Cached access to the city file for the pages.

The city's frames are cached once per file version as a shared read-only resource
(``st.cache_resource``): the pages only filter them (which copies) and never modify them.
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from geo import citydata
from geo.network import WalkNetwork, build_network
from geo.standards import load_standards
from layers.battle_map import CITY_LAYERS_USED

COVERAGE_LAYERS = ("compounds",)


def city_file_version() -> tuple[str, float]:
    """(path, modification time) of the city file: the cache key, so a rebuilt file reloads."""
    path = citydata.resolve_path()
    return str(path), path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(show_spinner="正在读取城市数据…")
def _load(path: str, _mtime: float) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    frames = {name: citydata.read_layer(name, path)
              for name in (*CITY_LAYERS_USED, *COVERAGE_LAYERS)}
    return frames, citydata.read_meta(path)


def load_city() -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """The frames used by the battle map and the meta table of the configured city file."""
    path, mtime = city_file_version()
    return _load(path, mtime)


@st.cache_resource(show_spinner="正在构建步行路网…")
def _network(path: str, _mtime: float) -> WalkNetwork:
    return build_network(citydata.read_layer("walk_nodes", path), citydata.read_layer("walk_edges", path))


def load_network() -> WalkNetwork:
    """The walking graph of the configured city file, built once and shared (read-only)."""
    path, mtime = city_file_version()
    return _network(path, mtime)


def load_thresholds():
    """The thresholds table (defaults plus the city's overrides); small, read on every run."""
    return load_standards()
