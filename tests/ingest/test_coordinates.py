import numpy as np
import pyproj

from chuangcheng.geo.coords import bd09_to_bd09mc, wgs84_to_bd09, wgs84_to_gcj02
from chuangcheng.ingest.coordinates import diagnose, to_wgs84

LON, LAT = np.array([113.28, 113.30, 113.33]), np.array([40.07, 40.09, 40.11])
DATONG = (113.20, 39.98, 113.40, 40.17)


def test_every_system_comes_back_to_wgs84():
    checks = {
        "gcj02": wgs84_to_gcj02(LON, LAT),
        "bd09": wgs84_to_bd09(LON, LAT),
        "bd09mc": bd09_to_bd09mc(*wgs84_to_bd09(LON, LAT)),
    }
    for system, (x, y) in checks.items():
        lon, lat = to_wgs84(x, y, system)
        tol = 5e-6 if system == "bd09mc" else 1e-9  # Baidu's Mercator tables agree to ~0.3 m
        np.testing.assert_allclose(lon, LON, atol=tol)
        np.testing.assert_allclose(lat, LAT, atol=tol)


def test_gauss_kruger_with_and_without_zone_prefix():
    x, y = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True).transform(LON, LAT)
    lon, lat = to_wgs84(x, y, "cgcs2000_gk", central_meridian_deg=114)
    np.testing.assert_allclose(lon, LON, atol=1e-9)
    lon2, lat2 = to_wgs84(np.asarray(x) + 38e6, y, "cgcs2000_gk", central_meridian_deg=120)  # prefix wins
    np.testing.assert_allclose(lon2, LON, atol=1e-9)
    np.testing.assert_allclose(lat2, LAT, atol=1e-9)


def test_swapped_and_outside_are_reported():
    codes = [w.code for w in diagnose(LAT, LON, city_bounds=DATONG)]
    assert codes == ["swapped"]
    codes = [w.code for w in diagnose(np.r_[LON, 116.4], np.r_[LAT, 39.9], city_bounds=DATONG)]
    assert codes == ["outside"]
    assert diagnose(LON, LAT, city_bounds=DATONG) == []


def test_a_gcj02_shift_is_recognised_from_the_streets():
    # Streets along every 0.005° meridian; the true points sit 5 m from one.
    true_lon = np.array([113.2800, 113.2900, 113.3000, 113.3100, 113.3200, 113.3300]) + 0.00006
    true_lat = np.linspace(40.06, 40.12, 6)

    def road_distance_m(lon, lat):
        return np.abs(lon - np.round(lon / 0.005) * 0.005) * 85_000

    assert diagnose(true_lon, true_lat, city_bounds=DATONG, reference_distance_m=road_distance_m) == []
    shifted = wgs84_to_gcj02(true_lon, true_lat)
    codes = [w.code for w in diagnose(*shifted, city_bounds=DATONG, reference_distance_m=road_distance_m)]
    assert codes == ["offset_gcj02"]
