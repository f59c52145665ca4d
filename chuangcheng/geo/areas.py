"""Selecting the part of a city a user is looking at: the whole city, a 区, 街道, 社区 or 网格."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

# (level, code column, name column, the frame that holds that level's outlines)
LEVELS = (
    ("district", "district_code", "district_name", "districts"),
    ("street", "street_code", "street_name", "streets"),
    ("community", "community_code", "community_name", "communities"),
    ("grid", "grid_code", "grid_name", "grids"),
)
LEVEL_TITLES = {"city": "全市", "district": "区", "street": "街道", "community": "社区", "grid": "网格"}


@dataclass(frozen=True)
class AreaFilter:
    """The codes chosen at each level; ``None`` everywhere means the whole city."""

    district_code: str | None = None
    street_code: str | None = None
    community_code: str | None = None
    grid_code: str | None = None

    def codes(self) -> dict[str, str]:
        """{code column: code} of the levels chosen."""
        return {col: getattr(self, col) for _, col, _, _ in LEVELS if getattr(self, col) is not None}

    @property
    def level(self) -> str:
        """The deepest level chosen ("city" when none)."""
        chosen = [lvl for lvl, col, _, _ in LEVELS if getattr(self, col) is not None]
        return chosen[-1] if chosen else "city"

    @property
    def is_whole_city(self) -> bool:
        return self.level == "city"

    def child_level(self) -> tuple[str, str, str, str] | None:
        """The level below the chosen one (what a ranking compares), or None under a 网格."""
        names = [lvl for lvl, *_ in LEVELS]
        at = -1 if self.level == "city" else names.index(self.level)
        return LEVELS[at + 1] if at + 1 < len(LEVELS) else None


def filter_area(gdf: gpd.GeoDataFrame, area: AreaFilter) -> gpd.GeoDataFrame:
    """Rows of ``gdf`` inside the area, by their code columns; a layer without them (e.g. the
    city outline or the roads) is returned whole."""
    out = gdf
    for column, code in area.codes().items():
        if column in out.columns:
            out = out[out[column] == code]
    return out
