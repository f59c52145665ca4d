"""Choosing the metric CRS for a city's data.

Inside the app all data is WGS84/CGCS2000 longitude/latitude (EPSG:4326). Metric work
(lengths, areas, buffers, walking distances) uses the CGCS2000 3-degree Gauss-Krüger zone whose
central meridian is nearest the data, chosen from the data rather than hard-coded: for Datong
(113.3°E) that is central meridian 114°E, EPSG:4547.
"""

from __future__ import annotations

import math

from chuangcheng.geo.errors import CoordinateError

WGS84 = "EPSG:4326"

# EPSG:4534 .. EPSG:4554 are "CGCS2000 / 3-degree Gauss-Kruger CM 75E" .. "CM 135E" (no zone
# prefix in the false easting, so x stays near 500 km).
_FIRST_CM_DEG = 75
_LAST_CM_DEG = 135
_FIRST_EPSG = 4534


def gauss_kruger_epsg(lon_deg: float) -> int:
    """EPSG code of the CGCS2000 3-degree Gauss-Krüger zone (no zone prefix) for a longitude.

    Parameters
    ----------
    lon_deg : float
        Longitude in degrees (WGS84/CGCS2000), within China's 3-degree zones (73.5°E–136.5°E).
    """
    if not math.isfinite(lon_deg):
        raise CoordinateError("经度不是有效数字，无法选择高斯-克吕格投影带。")
    cm_deg = 3 * round(lon_deg / 3)
    if not _FIRST_CM_DEG <= cm_deg <= _LAST_CM_DEG:
        raise CoordinateError(
            f"经度 {lon_deg:.4f}° 不在中国的 3 度带范围（73.5°E–136.5°E）内。"
            "请确认数据是 WGS84/CGCS2000 经纬度，且经度、纬度没有写反。"
        )
    return _FIRST_EPSG + (cm_deg - _FIRST_CM_DEG) // 3


def utm_epsg(lon_deg: float, lat_deg: float) -> int:
    """EPSG code of the WGS84 UTM zone of a point (used outside China, e.g. for OSM samples)."""
    zone = int((lon_deg + 180.0) // 6.0) % 60 + 1
    return (32600 if lat_deg >= 0 else 32700) + zone


def local_metric_crs(gdf) -> str:
    """The metric CRS for a GeoDataFrame, from the centre of its bounds.

    In China (73.5°E–136.5°E, 18°N–54°N) the CGCS2000 3-degree Gauss-Krüger zone
    (``"EPSG:45xx"``); elsewhere the WGS84 UTM zone. The frame may be in any CRS; its bounds are
    taken in WGS84 degrees.
    """
    if gdf.crs is None:
        raise CoordinateError("数据没有坐标参考系（CRS）。请先用 set_crs('EPSG:4326') 声明经纬度。")
    if gdf.empty:
        raise CoordinateError("数据为空，无法根据数据选择投影带。")
    lon_min, lat_min, lon_max, lat_max = gdf.to_crs(WGS84).total_bounds
    lon, lat = (lon_min + lon_max) / 2.0, (lat_min + lat_max) / 2.0
    if 73.5 <= lon <= 136.5 and 3.0 <= lat <= 54.0:
        return f"EPSG:{gauss_kruger_epsg(lon)}"
    return f"EPSG:{utm_epsg(lon, lat)}"
