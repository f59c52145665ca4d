"""Round trips: export then import gives the same records within 1 cm, in every format."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from chuangcheng.ingest.export import FORMATS, export_layer
from chuangcheng.ingest.importer import import_file

M_PER_DEG = 111_320.0


def _markets():
    return gpd.GeoDataFrame(
        {"id": ["NM1", "NM2", "NM3"], "name": ["鼓楼市场", "华严市场", "西关市场"], "stalls": [120, 80, 45]},
        geometry=[shapely.Point(113.301234, 40.091234), shapely.Point(113.31, 40.1), shapely.Point(113.29, 40.08)],
        crs="EPSG:4326",
    )


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
    back = report.accepted.sort_values("market_name").reset_index(drop=True)
    want = original.sort_values("name").reset_index(drop=True)
    assert back["market_name"].tolist() == want["name"].tolist()
    assert back["market_id"].tolist() == want["id"].tolist()
    assert [int(v) for v in back["stalls"]] == want["stalls"].tolist()
    err_m = np.hypot((back.geometry.x - want.geometry.x) * M_PER_DEG, (back.geometry.y - want.geometry.y) * M_PER_DEG)
    assert err_m.max() < 0.01
