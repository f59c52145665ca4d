"""Conversions between WGS84/CGCS2000, GCJ-02, BD-09 and BD-09 Mercator metres.

GCJ-02 (高德, 腾讯, 奥维 9.3+) and BD-09 (百度) are obfuscating offsets, not coordinate
reference systems: no EPSG code describes them, so a GeoDataFrame cannot declare them.
Everything inside the app is WGS84/CGCS2000 longitude/latitude in degrees (EPSG:4326 /
EPSG:4490, identical in PROJ); these functions run only at the borders: on import of a
shifted file and when drawing on a GCJ-02 basemap.

All functions are vectorised: they take scalars or array-likes of longitudes and latitudes in
degrees (longitude first) and return a pair of float arrays of the same shape. Points outside
the rough China box used by every public implementation are returned unchanged, as the
offset is only applied inside China.

The forward formulas are the public ones (as in eviltransform, prcoords, coord-convert); the
inverses are computed by fixed-point iteration on the forward formula, which converges to
well under a millimetre (the one-step inverse most libraries use is off by up to ~5 m).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from chuangcheng.geo.errors import CoordinateError

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_GCJ_A_M = 6378245.0
_GCJ_EE = 0.00669342162296594323
_BD_X_PI = np.pi * 3000.0 / 180.0

# The box every public implementation treats as "in China" (lon_min, lat_min, lon_max, lat_max).
CHINA_BOX_DEG = (72.004, 0.8293, 137.8347, 55.8271)

# Inverse iterations stop once the largest step is below this (degrees; ~1e-7 mm).
_INVERSE_TOL_DEG = 1e-12
_INVERSE_MAX_ITER = 12

Pair = tuple[np.ndarray, np.ndarray]


def _as_arrays(lon, lat) -> Pair:
    lon_arr = np.asarray(lon, dtype=float)
    lat_arr = np.asarray(lat, dtype=float)
    if lon_arr.shape != lat_arr.shape:
        raise CoordinateError(f"经度与纬度数量不一致：{lon_arr.shape} 对 {lat_arr.shape}。请按 (经度, 纬度) 成对传入。")
    return lon_arr, lat_arr


def in_china(lon, lat) -> np.ndarray:
    """Boolean mask of points inside the box where the GCJ-02 offset applies (degrees)."""
    lon_arr, lat_arr = _as_arrays(lon, lat)
    lon_min, lat_min, lon_max, lat_max = CHINA_BOX_DEG
    return (lon_arr >= lon_min) & (lon_arr <= lon_max) & (lat_arr >= lat_min) & (lat_arr <= lat_max)


def _gcj_offset_deg(lon: np.ndarray, lat: np.ndarray) -> Pair:
    """The GCJ-02 offset (d_lon, d_lat) in degrees at WGS84 (lon, lat) in degrees."""
    x = lon - 105.0
    y = lat - 35.0
    pi = np.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lat = d_lat + common
    d_lat = d_lat + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    d_lat = d_lat + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    d_lon = d_lon + common
    d_lon = d_lon + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    d_lon = d_lon + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0

    rad_lat = lat / 180.0 * pi
    magic = 1.0 - _GCJ_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_GCJ_A_M * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * pi)
    d_lon = (d_lon * 180.0) / (_GCJ_A_M / sqrt_magic * np.cos(rad_lat) * pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon, lat) -> Pair:
    """WGS84/CGCS2000 degrees to GCJ-02 degrees (unchanged outside China)."""
    lon_arr, lat_arr = _as_arrays(lon, lat)
    d_lon, d_lat = _gcj_offset_deg(lon_arr, lat_arr)
    inside = in_china(lon_arr, lat_arr)
    return np.where(inside, lon_arr + d_lon, lon_arr), np.where(inside, lat_arr + d_lat, lat_arr)


def _gcj02_to_bd09_raw(lon: np.ndarray, lat: np.ndarray) -> Pair:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _BD_X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def gcj02_to_bd09(lon, lat) -> Pair:
    """GCJ-02 degrees to BD-09 degrees (百度's offset is applied everywhere, as Baidu does)."""
    lon_arr, lat_arr = _as_arrays(lon, lat)
    return _gcj02_to_bd09_raw(lon_arr, lat_arr)


def _invert(
    forward: Callable[[np.ndarray, np.ndarray], Pair], lon: np.ndarray, lat: np.ndarray, start: Pair | None = None
) -> Pair:
    """Solve forward(x) = target by fixed-point iteration x <- x - (forward(x) - target).

    The offsets vary slowly (their derivative is ~1e-5), so each step gains ~5 digits.
    """
    guess_lon, guess_lat = (lon.copy(), lat.copy()) if start is None else start
    for _ in range(_INVERSE_MAX_ITER):
        f_lon, f_lat = forward(guess_lon, guess_lat)
        step_lon = f_lon - lon
        step_lat = f_lat - lat
        guess_lon = guess_lon - step_lon
        guess_lat = guess_lat - step_lat
        largest = np.nanmax(np.abs(np.concatenate([np.ravel(step_lon), np.ravel(step_lat)])), initial=0.0)
        if largest < _INVERSE_TOL_DEG:
            break
    return guess_lon, guess_lat


def gcj02_to_wgs84(lon, lat) -> Pair:
    """GCJ-02 degrees to WGS84/CGCS2000 degrees, iterated to well below 1 mm."""
    lon_arr, lat_arr = _as_arrays(lon, lat)
    return _invert(wgs84_to_gcj02, lon_arr, lat_arr)


def bd09_to_gcj02(lon, lat) -> Pair:
    """BD-09 degrees to GCJ-02 degrees, iterated on Baidu's forward formula."""
    lon_arr, lat_arr = _as_arrays(lon, lat)
    # The usual closed-form approximation is the starting point; iteration removes its error.
    x = lon_arr - 0.0065
    y = lat_arr - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    start = (z * np.cos(theta), z * np.sin(theta))
    return _invert(_gcj02_to_bd09_raw, lon_arr, lat_arr, start=start)


def wgs84_to_bd09(lon, lat) -> Pair:
    """WGS84/CGCS2000 degrees to BD-09 degrees."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> Pair:
    """BD-09 degrees to WGS84/CGCS2000 degrees."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


# Baidu Mercator ("BD09MC", metres ~1e7) polynomial bands, from Baidu's map API.
_MC_BAND_M = np.array([12890594.86, 8362377.87, 5591021.0, 3481989.83, 1678043.12, 0.0])
_LL_BAND_DEG = np.array([75.0, 60.0, 45.0, 30.0, 15.0, 0.0])
_MC2LL = np.array(
    [
        [
            1.410526172116255e-8,
            0.00000898305509648872,
            -1.9939833816331,
            200.9824383106796,
            -187.2403703815547,
            91.6087516669843,
            -23.38765649603339,
            2.57121317296198,
            -0.03801003308653,
            17337981.2,
        ],
        [
            -7.435856389565537e-9,
            0.000008983055097726239,
            -0.78625201886289,
            96.32687599759846,
            -1.85204757529826,
            -59.36935905485877,
            47.40033549296737,
            -16.50741931063887,
            2.28786674699375,
            10260144.86,
        ],
        [
            -3.030883460898826e-8,
            0.00000898305509983578,
            0.30071316287616,
            59.74293618442277,
            7.357984074871,
            -25.38371002664745,
            13.45380521110908,
            -3.29883767235584,
            0.32710905363475,
            6856817.37,
        ],
        [
            -1.981981304930552e-8,
            0.000008983055099779535,
            0.03278182852591,
            40.31678527705744,
            0.65659298677277,
            -4.44255534477492,
            0.85341911805263,
            0.12923347998204,
            -0.04625736007561,
            4482777.06,
        ],
        [
            3.09191371068437e-9,
            0.000008983055096812155,
            0.00006995724062,
            23.10934304144901,
            -0.00023663490511,
            -0.6321817810242,
            -0.00663494467273,
            0.03430082397953,
            -0.00466043876332,
            2555164.4,
        ],
        [
            2.890871144776878e-9,
            0.000008983055095805407,
            -3.068298e-8,
            7.47137025468032,
            -0.00000353937994,
            -0.02145144861037,
            -0.00001234426596,
            0.00010322952773,
            -0.00000323890364,
            826088.5,
        ],
    ]
)
_LL2MC = np.array(
    [
        [
            -0.0015702102444,
            111320.7020616939,
            1704480524535203,
            -10338987376042340,
            26112667856603880,
            -35149669176653700,
            26595700718403920,
            -10725012454188240,
            1800819912950474,
            82.5,
        ],
        [
            0.0008277824516172526,
            111320.7020463578,
            647795574.6671607,
            -4082003173.641316,
            10774905663.51142,
            -15171875531.51559,
            12053065338.62167,
            -5124939663.577472,
            913311935.9512032,
            67.5,
        ],
        [
            0.00337398766765,
            111320.7020202162,
            4481351.045890365,
            -23393751.19931662,
            79682215.47186455,
            -115964993.2797253,
            97236711.15602145,
            -43661946.33752821,
            8477230.501135234,
            52.5,
        ],
        [
            0.00220636496208,
            111320.7020209128,
            51751.86112841131,
            3796837.749470245,
            992013.7397791013,
            -1221952.21711287,
            1340652.697009075,
            -620943.6990984312,
            144416.9293806241,
            37.5,
        ],
        [
            -0.0003441963504368392,
            111320.7020576856,
            278.2353980772752,
            2485758.690035394,
            6070.750963243378,
            54821.18345352118,
            9540.606633304236,
            -2710.55326746645,
            1405.483844121726,
            22.5,
        ],
        [
            -0.0003218135878613132,
            111320.7020701615,
            0.00369383431289,
            823725.6402795718,
            0.46104986909093,
            2351.343141331292,
            1.58060784298199,
            8.77738589078284,
            0.37238884252424,
            7.45,
        ],
    ]
)


def _apply_band(x: np.ndarray, y: np.ndarray, table: np.ndarray) -> Pair:
    out_x = table[..., 0] + table[..., 1] * np.abs(x)
    d = np.abs(y) / table[..., 9]
    out_y = table[..., 2] + d * (
        table[..., 3]
        + d * (table[..., 4] + d * (table[..., 5] + d * (table[..., 6] + d * (table[..., 7] + d * table[..., 8]))))
    )
    return out_x * np.sign(x + (x == 0)), out_y * np.sign(y + (y == 0))


def _band_index(value_abs: np.ndarray, bands: np.ndarray) -> np.ndarray:
    # bands are descending; the first band whose bound the value reaches.
    return np.argmax(value_abs[..., None] >= bands, axis=-1)


def bd09mc_to_bd09(x_m, y_m) -> Pair:
    """BD-09 Mercator metres (百度墨卡托, e.g. 12958160, 4825923) to BD-09 degrees."""
    x_arr, y_arr = _as_arrays(x_m, y_m)
    if np.any(np.abs(y_arr) > 2e7) or np.any(np.abs(x_arr) > 2.1e7):
        raise CoordinateError(
            "百度墨卡托坐标超出范围（|x| ≤ 2.1e7 米，|y| ≤ 2e7 米）。"
            "若数据是经纬度，请选择 BD-09 经纬度而不是百度墨卡托。"
        )
    table = _MC2LL[_band_index(np.abs(y_arr), _MC_BAND_M)]
    return _apply_band(x_arr, y_arr, table)


def bd09_to_bd09mc(lon, lat) -> Pair:
    """BD-09 degrees to BD-09 Mercator metres (latitude clamped to ±74° as Baidu does)."""
    lon_arr, lat_arr = _as_arrays(lon, lat)
    lon_arr = (lon_arr + 180.0) % 360.0 - 180.0
    lat_arr = np.clip(lat_arr, -74.0, 74.0)
    table = _LL2MC[_band_index(np.abs(lat_arr), _LL_BAND_DEG)]
    return _apply_band(lon_arr, lat_arr, table)


def bd09mc_to_wgs84(x_m, y_m) -> Pair:
    """BD-09 Mercator metres to WGS84/CGCS2000 degrees."""
    return bd09_to_wgs84(*bd09mc_to_bd09(x_m, y_m))


def transform_geometries(geometries, func: Callable[[np.ndarray, np.ndarray], Pair]):
    """Apply a (lon, lat) -> (lon, lat) conversion to every vertex of shapely geometries.

    ``geometries`` is a shapely geometry, an array of them or a GeoSeries; the same kind comes
    back. Empty and missing geometries pass through unchanged.
    """
    import shapely

    def _xy(coords: np.ndarray) -> np.ndarray:
        if len(coords) == 0:
            return coords
        out_lon, out_lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([out_lon, out_lat])

    if hasattr(geometries, "geometry") and hasattr(geometries, "crs"):
        values = shapely.transform(np.asarray(geometries.values, dtype=object), _xy)
        return geometries.__class__(values, index=geometries.index, crs=geometries.crs)
    return shapely.transform(geometries, _xy)
