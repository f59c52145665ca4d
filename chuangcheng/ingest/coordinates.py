"""The coordinate systems a city's files come in, their conversion to WGS84, and warnings when
the numbers look wrong (swapped, outside the city, or shifted like GCJ-02/BD-09)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyproj

from chuangcheng.geo import coords
from chuangcheng.geo.errors import CoordinateError

SYSTEMS = {
    "wgs84": "WGS84 / CGCS2000 经纬度（GPS、北斗、天地图、OSM）",
    "gcj02": "GCJ-02 经纬度（高德、腾讯、奥维 9.3+ 及多数拾取工具）",
    "bd09": "BD-09 经纬度（百度）",
    "bd09mc": "百度墨卡托（米）",
    "cgcs2000_gk": "CGCS2000 高斯-克吕格 3 度带（米，坐标可带或不带带号）",
}


def gk_to_wgs84(x: np.ndarray, y: np.ndarray, *, central_meridian_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """CGCS2000 3-degree Gauss-Krüger metres to degrees. Easting may carry the zone number
    (38500000 = zone 38); without it, ``central_meridian_deg`` says which zone."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    out_lon = np.full(x.shape, np.nan)
    out_lat = np.full(x.shape, np.nan)
    zone = np.where(x >= 1e7, np.floor(x / 1e6), 0).astype(int)
    for z in np.unique(zone):
        mask = zone == z
        if z == 0:
            cm = central_meridian_deg
            east = x[mask]
        else:
            if not 25 <= z <= 45:
                raise CoordinateError(f"横坐标的带号 {z} 不在中国 3 度带（25–45）范围内。")
            cm = 3 * z
            east = x[mask] - z * 1e6
        epsg = 4534 + int(round((cm - 75) / 3))
        transformer = pyproj.Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)
        out_lon[mask], out_lat[mask] = transformer.transform(east, y[mask])
    return out_lon, out_lat


def to_wgs84(x, y, system: str, *, central_meridian_deg: float = 114.0) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in ``system`` (see ``SYSTEMS``) as WGS84 longitude/latitude in degrees."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if system == "wgs84":
        return x, y
    if system == "gcj02":
        return coords.gcj02_to_wgs84(x, y)
    if system == "bd09":
        return coords.bd09_to_wgs84(x, y)
    if system == "bd09mc":
        return coords.bd09mc_to_wgs84(x, y)
    if system == "cgcs2000_gk":
        return gk_to_wgs84(x, y, central_meridian_deg=central_meridian_deg)
    raise CoordinateError(f"未知坐标系 “{system}”，可选：{', '.join(SYSTEMS)}。")


@dataclass(frozen=True)
class Warning_:
    code: str
    message: str


def diagnose(
    lon: np.ndarray, lat: np.ndarray, *, city_bounds: tuple[float, float, float, float], reference_distance_m=None
) -> list[Warning_]:
    """Warnings about WGS84 points: swapped axes, points outside the city, a GCJ-02/BD-09 shift.

    ``city_bounds`` is (west, south, east, north) in degrees. ``reference_distance_m(lon, lat)``,
    when given, returns each point's distance in metres to the nearest feature the city already
    has (the same layer, its grid outlines, or its streets): if undoing a GCJ-02 or BD-09 shift
    brings the points much closer to them, the file was probably in that system.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    lon, lat = lon[ok], lat[ok]
    if len(lon) == 0:
        return []
    west, south, east, north = city_bounds
    margin = 0.05  # about 5 km
    inside = (lon >= west - margin) & (lon <= east + margin) & (lat >= south - margin) & (lat <= north + margin)
    swapped = (lat >= west - margin) & (lat <= east + margin) & (lon >= south - margin) & (lon <= north + margin)
    warnings: list[Warning_] = []
    if swapped.mean() > 0.5:
        warnings.append(Warning_("swapped", f"{swapped.sum()} 个点交换经纬度后落在本市范围内：经度与纬度可能写反了。"))
    elif (~inside).any():
        warnings.append(
            Warning_(
                "outside", f"{(~inside).sum()} / {len(lon)} 个点在本市范围以外（超出 5 公里）。请检查坐标系或数值。"
            )
        )
    if reference_distance_m is not None and inside.sum() >= 5:
        raw = float(np.median(reference_distance_m(lon[inside], lat[inside])))
        for system, name in (("gcj02", "GCJ-02（高德等）"), ("bd09", "BD-09（百度）")):
            c_lon, c_lat = to_wgs84(lon[inside], lat[inside], system)
            corrected = float(np.median(reference_distance_m(c_lon, c_lat)))
            if raw > 80 and corrected < raw / 2:
                warnings.append(
                    Warning_(
                        f"offset_{system}",
                        f"这些点离本市已有要素的中位距离为 {raw:.0f} 米；按 {name} 纠偏后为 {corrected:.0f} 米。"
                        f"文件很可能是 {name} 坐标，请在“坐标系”中选择它。",
                    )
                )
                break
    return warnings


def reference_distance_fn(reference):
    """``(lon, lat) -> metres`` to the nearest of a GeoDataFrame's features (a point inside each),
    measured in the metric CRS chosen from the data; for :func:`diagnose`."""
    import geopandas as gpd
    from scipy.spatial import cKDTree

    from chuangcheng.geo.crs import local_metric_crs

    crs = local_metric_crs(reference)
    ref = reference.to_crs(crs).geometry.representative_point()
    tree = cKDTree(np.column_stack([ref.x, ref.y]))

    def distance_m(lon, lat):
        pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs="EPSG:4326").to_crs(crs)
        return tree.query(np.column_stack([pts.x, pts.y]))[0]

    return distance_m
