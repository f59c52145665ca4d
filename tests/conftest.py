"""Shared fixtures. The demo city is built once per test run into a temporary file, so tests
never depend on (or change) the file the dashboard serves."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo import citydata


@pytest.fixture(scope="session", autouse=True)
def ledger_in_tmp(tmp_path_factory):
    """Pages and the browser tests' app server use a throwaway ledger, never data/demo's."""
    import os

    path = tmp_path_factory.mktemp("ledger") / "ledger.sqlite"
    os.environ["CHUANGCHENG_LEDGER_URL"] = f"sqlite:///{path}"
    yield
    os.environ.pop("CHUANGCHENG_LEDGER_URL", None)


@pytest.fixture(scope="session")
def demo_city_path(tmp_path_factory):
    from demo.build import build_city

    layers, meta = build_city()
    path = tmp_path_factory.mktemp("city") / "demo.gpkg"
    citydata.write_city(path, layers, meta)
    return path


@pytest.fixture(scope="session")
def demo_city(demo_city_path):
    """Every registered layer of the demo city (EPSG:4326) and its meta table."""
    frames = {name: citydata.read_layer(name, demo_city_path) for name in citydata.LAYER_NAMES}
    return frames, citydata.read_meta(demo_city_path)


def square(x0: float, y0: float, size: float = 1.0) -> shapely.Polygon:
    return shapely.box(x0, y0, x0 + size, y0 + size)


@pytest.fixture
def two_grids():
    """Two 0.01° grid cells side by side near Datong (EPSG:4326), in two streets."""
    return gpd.GeoDataFrame({
        "street_code": ["140213001", "140213002"], "street_name": ["甲街道", "乙街道"],
        "community_code": ["140213001001", "140213002001"], "community_name": ["一社区", "二社区"],
        "grid_code": ["140213001001001", "140213002001001"], "grid_name": ["一网格", "二网格"],
    }, geometry=[square(113.30, 40.09, 0.01), square(113.31, 40.09, 0.01)], crs="EPSG:4326")


@pytest.fixture(scope="session")
def app_url(demo_city_path):
    """The dashboard running on a free loopback port with the test's demo city (browser tests)."""
    import shutil

    from scripts.screenshot import running_app

    if not shutil.which("chromium"):
        pytest.fail("没有 chromium：请运行 scripts/install_browser.sh（scripts/test.sh 会自动安装）。")
    with running_app(env={"CHUANGCHENG_CITY_DATA": str(demo_city_path)}) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL 15 + PostGIS server (installed by scripts/install_postgres.sh)."""
    from tests import pg

    if not pg.available():
        pytest.fail("没有 PostgreSQL/PostGIS：请运行 scripts/install_postgres.sh（scripts/test.sh 会自动安装）。")
    with pg.throwaway_postgres() as url:
        yield url
