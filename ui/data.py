"""Cached access to the city file for the pages.

The city's frames are cached once per file version as a shared read-only resource
(``st.cache_resource``): the pages only filter them (which copies) and never modify them.
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from geo import citydata
from layers.battle_map import CITY_LAYERS_USED


def city_file_version() -> tuple[str, float]:
    """(path, modification time) of the city file: the cache key, so a rebuilt file reloads."""
    path = citydata.resolve_path()
    return str(path), path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(show_spinner="正在读取城市数据…")
def _load(path: str, _mtime: float) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    frames = {name: citydata.read_layer(name, path) for name in CITY_LAYERS_USED}
    return frames, citydata.read_meta(path)


def load_city() -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """The frames used by the battle map and the meta table of the configured city file."""
    path, mtime = city_file_version()
    return _load(path, mtime)
