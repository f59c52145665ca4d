"""Selecting the part of a city a user is looking at (a 街道 or 社区)."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd


@dataclass(frozen=True)
class AreaFilter:
    """A 街道 and/or 社区 code; ``None`` means the whole district."""

    street_code: str | None = None
    community_code: str | None = None

    @property
    def is_whole_district(self) -> bool:
        return self.street_code is None and self.community_code is None


def filter_area(gdf: gpd.GeoDataFrame, area: AreaFilter) -> gpd.GeoDataFrame:
    """Rows of ``gdf`` inside the area, by their ``street_code`` / ``community_code`` columns.

    A layer without the column (e.g. the district outline) is returned whole.
    """
    out = gdf
    if area.street_code is not None and "street_code" in out.columns:
        out = out[out["street_code"] == area.street_code]
    if area.community_code is not None and "community_code" in out.columns:
        out = out[out["community_code"] == area.community_code]
    return out
