"""geo.coords against two independent implementations (prcoords, CC0; coord-convert, MIT),
used only here, at thousands of points across China."""

import warnings

import numpy as np
import prcoords
import pytest
import shapely
from coord_convert import transform as cc

from chuangcheng.geo.coords import (
    bd09_to_bd09mc,
    bd09_to_gcj02,
    bd09_to_wgs84,
    bd09mc_to_bd09,
    bd09mc_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    in_china,
    transform_geometries,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from chuangcheng.geo.errors import CoordinateError

M_PER_DEG = 111_320.0  # upper bound of metres per degree, so errors are not understated
N_POINTS = 5000


@pytest.fixture(scope="module")
def china_points():
    rng = np.random.default_rng(7)
    lon = rng.uniform(73.7, 135.0, N_POINTS)
    lat = rng.uniform(18.2, 53.5, N_POINTS)
    return lon, lat


def _err_m(lon_a, lat_a, lon_b, lat_b):
    return np.hypot((np.asarray(lon_a) - lon_b) * M_PER_DEG, (np.asarray(lat_a) - lat_b) * M_PER_DEG)


def test_wgs84_to_gcj02_matches_prcoords(china_points):
    lon, lat = china_points
    got_lon, got_lat = wgs84_to_gcj02(lon, lat)
    ref = np.array([prcoords.wgs_gcj((la, lo)) for lo, la in zip(lon, lat)])
    assert _err_m(got_lon, got_lat, ref[:, 1], ref[:, 0]).max() < 1e-6


def test_wgs84_to_gcj02_matches_coord_convert(china_points):
    lon, lat = china_points
    got_lon, got_lat = wgs84_to_gcj02(lon, lat)
    ref = np.array([cc.wgs2gcj(lo, la) for lo, la in zip(lon, lat)])
    assert _err_m(got_lon, got_lat, ref[:, 0], ref[:, 1]).max() < 1e-6


def test_gcj02_to_wgs84_is_below_a_millimetre(china_points):
    lon, lat = china_points
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    back_lon, back_lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    assert _err_m(back_lon, back_lat, lon, lat).max() < 1e-3


def test_gcj02_to_wgs84_agrees_with_prcoords_precise_inverse(china_points):
    lon, lat = china_points
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    got_lon, got_lat = gcj02_to_wgs84(gcj_lon, gcj_lat)
    ref = np.array([prcoords.gcj_wgs_bored((la, lo)) for lo, la in zip(gcj_lon, gcj_lat)])
    # prcoords stops iterating at its own tolerance (measured up to ~2 cm); the sub-millimetre
    # claim is checked above by the round trip through the forward formula both references share.
    assert _err_m(got_lon, got_lat, ref[:, 1], ref[:, 0]).max() < 0.05


def test_one_step_inverse_would_not_be_good_enough(china_points):
    """The reason for iterating: the common one-step inverse is off by metres."""
    lon, lat = china_points
    gcj = np.array([cc.wgs2gcj(lo, la) for lo, la in zip(lon[:500], lat[:500])])
    rough = np.array([prcoords.gcj_wgs((la, lo)) for lo, la in gcj])
    assert _err_m(rough[:, 1], rough[:, 0], lon[:500], lat[:500]).max() > 0.5


def test_bd09_matches_references(china_points):
    lon, lat = china_points
    got_lon, got_lat = wgs84_to_bd09(lon, lat)
    ref_cc = np.array([cc.wgs2bd(lo, la) for lo, la in zip(lon, lat)])
    ref_pr = np.array([prcoords.wgs_bd((la, lo)) for lo, la in zip(lon, lat)])
    assert _err_m(got_lon, got_lat, ref_cc[:, 0], ref_cc[:, 1]).max() < 1e-6
    assert _err_m(got_lon, got_lat, ref_pr[:, 1], ref_pr[:, 0]).max() < 1e-6


def test_bd09_inverses_are_below_a_millimetre(china_points):
    lon, lat = china_points
    bd_lon, bd_lat = wgs84_to_bd09(lon, lat)
    back_lon, back_lat = bd09_to_wgs84(bd_lon, bd_lat)
    assert _err_m(back_lon, back_lat, lon, lat).max() < 1e-3
    gcj_lon, gcj_lat = wgs84_to_gcj02(lon, lat)
    g_lon, g_lat = bd09_to_gcj02(*gcj02_to_bd09(gcj_lon, gcj_lat))
    assert _err_m(g_lon, g_lat, gcj_lon, gcj_lat).max() < 1e-3
    ref = np.array([prcoords.bd_wgs_bored((la, lo)) for lo, la in zip(bd_lon[:1000], bd_lat[:1000])])
    assert _err_m(back_lon[:1000], back_lat[:1000], ref[:, 1], ref[:, 0]).max() < 0.05


def test_shift_at_datong_is_about_600_m():
    lon, lat = wgs84_to_gcj02(113.30, 40.09)
    shift_m = np.hypot((lon - 113.30) * M_PER_DEG * np.cos(np.radians(40.09)), (lat - 40.09) * M_PER_DEG)
    assert 550 < shift_m < 700


def test_outside_china_is_unchanged():
    lon = np.array([2.35, -74.0, 139.7, 100.0])
    lat = np.array([48.85, 40.7, 35.7, 60.0])
    for func in (wgs84_to_gcj02, gcj02_to_wgs84):
        out_lon, out_lat = func(lon, lat)
        np.testing.assert_array_equal(out_lon, lon)
        np.testing.assert_array_equal(out_lat, lat)
    assert not in_china(lon, lat).any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = prcoords.wgs_gcj((48.85, 2.35))
    assert (ref.lat, ref.lon) == (48.85, 2.35)


def test_scalars_and_shapes():
    lon, lat = wgs84_to_gcj02(113.3, 40.09)
    assert np.ndim(lon) == 0 and np.ndim(lat) == 0
    grid_lon, grid_lat = wgs84_to_gcj02(np.full((3, 4), 113.3), np.full((3, 4), 40.09))
    assert grid_lon.shape == (3, 4) and grid_lat.shape == (3, 4)
    with pytest.raises(CoordinateError, match="经度与纬度数量不一致"):
        wgs84_to_gcj02([113.3, 113.4], [40.09])


def test_bd09mc_known_point_and_round_trip():
    # Baidu Mercator of Tiananmen as Baidu's own pickers report it.
    bd_lon, bd_lat = bd09mc_to_bd09(12958160.97, 4825923.77)
    assert abs(bd_lon - 116.40387) < 1e-4 and abs(bd_lat - 39.91500) < 1e-4
    wgs_lon, wgs_lat = bd09mc_to_wgs84(12958160.97, 4825923.77)
    assert abs(wgs_lon - 116.3913) < 1e-3 and abs(wgs_lat - 39.9073) < 1e-3
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(73.7, 135.0, N_POINTS), rng.uniform(0.9, 53.5, N_POINTS)
    x, y = bd09_to_bd09mc(lon, lat)
    back_lon, back_lat = bd09mc_to_bd09(x, y)
    # Baidu's two polynomial tables are separate fits; they agree to well under a metre.
    assert _err_m(back_lon, back_lat, lon, lat).max() < 0.5


def test_bd09mc_rejects_degrees():
    with pytest.raises(CoordinateError, match="百度墨卡托坐标超出范围"):
        bd09mc_to_bd09([1e9], [4e6])


def test_transform_geometries_keeps_empties_and_types():
    import geopandas as gpd

    geoms = gpd.GeoSeries(
        [shapely.Point(113.3, 40.09), shapely.box(113.3, 40.0, 113.4, 40.1), shapely.Point(), None], crs="EPSG:4326"
    )
    out = transform_geometries(geoms, wgs84_to_gcj02)
    assert list(out.geom_type[:3]) == ["Point", "Polygon", "Point"]
    assert out.iloc[2].is_empty and out.iloc[3] is None
    expected = wgs84_to_gcj02(113.3, 40.09)
    assert out.iloc[0].x == pytest.approx(float(expected[0]), abs=1e-12)
    assert out.crs == geoms.crs
