"""Imported layers kept as numbered versions, so a re-import updates and a mistake can be undone.

Each commit writes a new version file ``<root>/<layer>/v0001.gpkg`` (EPSG:4326); the newest is
current. Re-importing matches records by their ``id`` (or, when a file has no ids, by name):
matched records are updated, new ones added, none duplicated; records not in the new file are
kept unless ``replace`` is asked for. Restoring a version writes it again as the newest, so
history is never rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import CityDataError

_VERSION = re.compile(r"^v(\d{4})\.gpkg$")


@dataclass(frozen=True)
class CommitResult:
    version: int
    added: int
    updated: int
    kept: int
    removed: int


class LayerStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    def versions(self, layer: str) -> list[int]:
        folder = self.root / layer
        if not folder.exists():
            return []
        return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _VERSION.match(p.name)))

    def read(self, layer: str, version: int | None = None) -> gpd.GeoDataFrame:
        versions = self.versions(layer)
        if not versions:
            raise CityDataError(f"图层 “{layer}” 还没有导入过数据。")
        version = versions[-1] if version is None else version
        if version not in versions:
            raise CityDataError(f"图层 “{layer}” 没有第 {version} 版，现有：{versions}。")
        return pyogrio.read_dataframe(self._path(layer, version))

    def _path(self, layer: str, version: int) -> Path:
        return self.root / layer / f"v{version:04d}.gpkg"

    def _write(self, layer: str, gdf: gpd.GeoDataFrame) -> int:
        version = (self.versions(layer) or [0])[-1] + 1
        path = self._path(layer, version)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.gpkg")
        pyogrio.write_dataframe(gdf.to_crs("EPSG:4326"), tmp, layer=layer, driver="GPKG")
        tmp.replace(path)
        return version

    def commit(self, layer: str, incoming: gpd.GeoDataFrame, *, replace: bool = False) -> CommitResult:
        """Merge ``incoming`` into the current version by record key and write a new version."""
        key = "id" if "id" in incoming.columns and incoming["id"].notna().all() else "name"
        incoming = incoming.copy()
        incoming["_key"] = incoming[key].astype(str)
        if incoming["_key"].duplicated().any():
            dup = incoming.loc[incoming["_key"].duplicated(), "_key"].tolist()[:5]
            raise CityDataError(f"导入的数据中 {('编号' if key == 'id' else '名称')}重复：{', '.join(dup)}。"
                                "请去重后再导入，以免一条记录被覆盖两次。")
        if not self.versions(layer) or replace:
            current = incoming.iloc[0:0]
            removed = 0 if not self.versions(layer) else len(self.read(layer))
        else:
            current = self.read(layer)
            current["_key"] = current[key].astype(str) if key in current.columns else current["name"].astype(str)
            removed = 0
        matched = current["_key"].isin(incoming["_key"])
        kept = current[~matched]
        merged = pd.concat([kept, incoming], ignore_index=True)
        result_gdf = gpd.GeoDataFrame(merged.drop(columns="_key"), geometry="geometry", crs="EPSG:4326")
        version = self._write(layer, result_gdf)
        updated = int(matched.sum())
        return CommitResult(version=version, added=len(incoming) - updated, updated=updated,
                            kept=len(kept), removed=removed)

    def restore(self, layer: str, version: int) -> int:
        """Make an earlier version current again (as a new version); returns its number."""
        return self._write(layer, self.read(layer, version))
