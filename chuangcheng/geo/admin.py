"""Locating features in the management hierarchy 区 → 街道 → 社区 → 网格.

All inputs are GeoDataFrames in the same CRS (normally EPSG:4326). A feature belongs to the
网格 that contains its representative point (a point inside it, not the centroid, so an
L-shaped compound is never placed in a neighbour's grid).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

HIERARCHY_COLUMNS = ("street_code", "street_name", "community_code", "community_name", "grid_code", "grid_name")


def locate_in_grids(features: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> pd.DataFrame:
    """The street/community/grid codes and names of each feature, aligned to its index.

    Features outside every grid get missing values (they lie outside the district).
    """
    if features.crs != grids.crs:
        raise ValueError("要素与网格的坐标参考系不同，请先用 to_crs() 统一。")
    points = gpd.GeoDataFrame(geometry=features.geometry.representative_point(), index=features.index, crs=features.crs)
    cols = [c for c in HIERARCHY_COLUMNS if c in grids.columns]
    joined = gpd.sjoin(points, grids[cols + ["geometry"]], how="left", predicate="within")
    # A point on a shared edge matches two grids; keep the first so the index stays unique.
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined[cols].reindex(features.index)
