"""Which 区/街道/社区/网格 a WGS84 point lies in, against the store's current hierarchy."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from chuangcheng.geo.cityview import hierarchy
from chuangcheng.store import layers


def grid_locator(engine):
    """``locate(lon, lat) -> {district_code, street_code, community_code, grid_code}`` (None each
    outside every 网格), reading the hierarchy once."""
    frames = layers.read_layers(engine, ["admin_boundaries", "streets", "communities", "grids"])
    grids = hierarchy(frames["admin_boundaries"], frames["streets"], frames["communities"], frames["grids"])["grids"]
    tree = shapely.STRtree(grids.geometry.values)
    columns = ("district_code", "street_code", "community_code", "grid_code")

    def locate(lon: float, lat: float) -> dict:
        hits = tree.query(shapely.Point(lon, lat), predicate="within")
        if not len(hits):
            return {c: None for c in columns}
        row = grids.iloc[int(sorted(hits)[0])]
        return {c: (None if pd.isna(row[c]) else str(row[c])) for c in columns}

    return locate


def locate_points(points: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> dict[str, dict]:
    """{point_id: area codes} for the points of a frame already located (``geo.cityview``)."""
    columns = ("district_code", "street_code", "community_code", "grid_code")
    return {
        pid: {c: (None if pd.isna(row[c]) else row[c]) for c in columns}
        for pid, row in points.set_index("point_id")[list(columns)].iterrows()
    }
