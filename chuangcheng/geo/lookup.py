"""Answering "what is here?" for a clicked location (WGS84 degrees in, metres for distance)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from chuangcheng.geo.crs import WGS84, local_metric_crs


def grid_at(lon: float, lat: float, grids: gpd.GeoDataFrame) -> pd.Series | None:
    """The 网格 row containing the WGS84 point, or ``None`` outside every grid."""
    point = shapely.Point(lon, lat)
    hits = grids[grids.to_crs(WGS84).geometry.contains(point)]
    return None if hits.empty else hits.iloc[0]


def nearest_feature(
    lon: float, lat: float, layers: dict[str, gpd.GeoDataFrame], *, max_distance_m: float
) -> tuple[str, pd.Series, float] | None:
    """The feature nearest to a WGS84 point over several layers, within ``max_distance_m``.

    Returns ``(layer name, row, distance in metres)`` or ``None``. Distances are measured in the
    local CGCS2000 Gauss-Krüger zone chosen from the data.
    """
    candidates = {name: gdf for name, gdf in layers.items() if len(gdf)}
    if not candidates:
        return None
    metric = local_metric_crs(next(iter(candidates.values())))
    click = gpd.GeoSeries([shapely.Point(lon, lat)], crs=WGS84).to_crs(metric).iloc[0]
    best: tuple[str, pd.Series, float] | None = None
    for name, gdf in candidates.items():
        projected = gdf.to_crs(metric)
        distances = projected.geometry.distance(click)
        i = distances.idxmin()
        d = float(distances.loc[i])
        if d <= max_distance_m and (best is None or d < best[2]):
            best = (name, gdf.loc[i], d)
    return best
