"""Round trips (export then import gives the same records within 1 cm) and versioned re-import."""


import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.errors import CityDataError
from geo.ingest.export import FORMATS, export_layer
from geo.ingest.importer import import_file
from geo.ingest.store import LayerStore

M_PER_DEG = 111_320.0


def _markets():
    return gpd.GeoDataFrame({"id": ["NM1", "NM2", "NM3"], "name": ["鼓楼市场", "华严市场", "西关市场"],
                             "stalls": [120, 80, 45]},
                            geometry=[shapely.Point(113.301234, 40.091234), shapely.Point(113.31, 40.1),
                                      shapely.Point(113.29, 40.08)], crs="EPSG:4326")


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("system", ["wgs84", "gcj02"])
def test_round_trip_within_a_centimetre(tmp_path, fmt, system):
    original = _markets()
    data = export_layer(original, fmt, layer_name="markets", system=system)
    suffix = {"gpkg": ".gpkg", "geojson": ".geojson", "shp": ".zip", "kml": ".kml", "xlsx": ".xlsx"}[fmt]
    path = tmp_path / f"markets{suffix}"
    path.write_bytes(data)
    report = import_file(path, "markets", system=system)
    assert report.rejected.empty
    back = report.accepted.sort_values("name").reset_index(drop=True)
    want = original.sort_values("name").reset_index(drop=True)
    assert back["name"].tolist() == want["name"].tolist()
    assert [int(v) for v in back["stalls"]] == want["stalls"].tolist()
    err_m = np.hypot((back.geometry.x - want.geometry.x) * M_PER_DEG, (back.geometry.y - want.geometry.y) * M_PER_DEG)
    assert err_m.max() < 0.01


def test_reimport_updates_instead_of_duplicating_and_restores(tmp_path):
    store = LayerStore(tmp_path / "store")
    first = store.commit("markets", _markets())
    assert (first.version, first.added, first.updated) == (1, 3, 0)
    changed = _markets().iloc[[0]].assign(stalls=[150])
    new = gpd.GeoDataFrame({"id": ["NM4"], "name": ["新市场"], "stalls": [60]},
                           geometry=[shapely.Point(113.32, 40.11)], crs="EPSG:4326")
    second = store.commit("markets", pd.concat([changed, new], ignore_index=True).pipe(gpd.GeoDataFrame, crs="EPSG:4326"))
    assert (second.version, second.added, second.updated, second.kept) == (2, 1, 1, 2)
    current = store.read("markets").set_index("id")
    assert len(current) == 4 and current.loc["NM1", "stalls"] == 150
    restored = store.restore("markets", 1)
    assert restored == 3 and store.read("markets").set_index("id").loc["NM1", "stalls"] == 120
    assert store.versions("markets") == [1, 2, 3]


def test_duplicate_keys_are_refused(tmp_path):
    store = LayerStore(tmp_path / "store")
    twice = pd.concat([_markets(), _markets().iloc[[0]]], ignore_index=True).pipe(gpd.GeoDataFrame, crs="EPSG:4326")
    with pytest.raises(CityDataError, match="重复"):
        store.commit("markets", twice)
    with pytest.raises(CityDataError, match="还没有导入"):
        store.read("markets")
