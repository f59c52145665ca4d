"""Shared fixtures. The demo city is built once per test run into a temporary store; tests that
write get their own copy, so no test depends on (or changes) the store the dashboard serves."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date, datetime, time

import geopandas as gpd
import pytest
import shapely

DEMO_AS_OF = date(2026, 11, 20)  # the demo history's last day in tests (fixed: exact answers)


def _checkpoint(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture(scope="session")
def demo_build():
    """The generated demo city (layers, records and meta), built once."""
    from chuangcheng.demo.build import build_city

    return build_city(as_of=DEMO_AS_OF)


@pytest.fixture(scope="session")
def demo_store_file(tmp_path_factory, demo_build):
    """A store file holding the demo city; never written by tests (copy it first)."""
    from chuangcheng import store
    from chuangcheng.demo.build import load_into_store

    path = tmp_path_factory.mktemp("store") / "demo.gpkg"
    engine = store.open_store(f"sqlite:///{path}")
    load_into_store(engine, demo_build)
    engine.dispose()
    _checkpoint(f"sqlite:///{path}")
    return path


def copy_store(source, folder) -> str:
    """A private, writable copy of a store file; returns its URL."""
    target = folder / f"store-{uuid.uuid4().hex[:8]}.gpkg"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


@pytest.fixture
def demo_store_url(demo_store_file, tmp_path):
    """The URL of a private copy of the demo store (write to it freely)."""
    return copy_store(demo_store_file, tmp_path)


@pytest.fixture(scope="session", autouse=True)
def app_store(demo_store_file, tmp_path_factory):
    """Pages (AppTest) and the browser tests' app server use a session copy of the demo store,
    never data/store's. They run in the explicit demo mode (open pages) unless a test of the
    sign-in gate removes it: AppTest has no server address, which counts as listening beyond
    loopback."""
    url = copy_store(demo_store_file, tmp_path_factory.mktemp("app-store"))
    os.environ["CHUANGCHENG_STORE_URL"] = url
    os.environ["CHUANGCHENG_DEMO_MODE"] = "1"
    yield url
    os.environ.pop("CHUANGCHENG_STORE_URL", None)
    os.environ.pop("CHUANGCHENG_DEMO_MODE", None)


@pytest.fixture(scope="session")
def demo_city(demo_store_file):
    """The assembled demo city as the pages see it on the demo's last day."""
    from chuangcheng import store
    from chuangcheng.store.city import load_city

    engine = store.open_store(f"sqlite:///{demo_store_file}")
    city = load_city(engine, as_of=datetime.combine(DEMO_AS_OF, time(23, 59)))
    engine.dispose()
    return city


def square(x0: float, y0: float, size: float = 1.0) -> shapely.Polygon:
    return shapely.box(x0, y0, x0 + size, y0 + size)


@pytest.fixture
def two_grids():
    """Two 0.01° grid cells side by side near Datong (EPSG:4326), in two streets."""
    return gpd.GeoDataFrame(
        {
            "district_code": ["140213", "140213"],
            "district_name": ["平城区", "平城区"],
            "street_code": ["140213001", "140213002"],
            "street_name": ["甲街道", "乙街道"],
            "community_code": ["140213001001", "140213002001"],
            "community_name": ["一社区", "二社区"],
            "grid_code": ["140213001001001", "140213002001001"],
            "grid_name": ["一网格", "二网格"],
        },
        geometry=[square(113.30, 40.09, 0.01), square(113.31, 40.09, 0.01)],
        crs="EPSG:4326",
    )


@pytest.fixture(scope="session")
def app_url(app_store):
    """The dashboard running on a free loopback port with the test's demo store (browser tests)."""
    from scripts.screenshot import running_app

    if not shutil.which("chromium"):
        pytest.fail("没有 chromium：请运行 scripts/install_browser.sh（scripts/test.sh 会自动安装）。")
    with running_app(env={"CHUANGCHENG_STORE_URL": app_store}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, one per test module (Playwright drives it)."""
    from playwright.sync_api import sync_playwright

    from scripts.screenshot import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL 15 + PostGIS server (installed by scripts/install_postgres.sh)."""
    from tests import pg

    if not pg.available():
        pytest.fail("没有 PostgreSQL/PostGIS：请运行 scripts/install_postgres.sh（scripts/test.sh 会自动安装）。")
    with pg.throwaway_postgres() as url:
        yield url


@pytest.fixture
def fresh_pg_url(postgres_url, request):
    """A new empty PostGIS database for this test."""
    from tests import pg

    return pg.fresh_database(postgres_url, f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """An empty, migrated store on each backend."""
    from chuangcheng import store

    url = (
        f"sqlite:///{tmp_path / 'store.gpkg'}" if request.param == "sqlite" else request.getfixturevalue("fresh_pg_url")
    )
    store.open_store(url).dispose()
    return url


@pytest.fixture(scope="session")
def demo_pg_url(postgres_url, demo_build):
    """The demo city loaded into a PostGIS database (read-only for tests)."""
    from chuangcheng import store
    from chuangcheng.demo.build import load_into_store
    from tests import pg

    url = pg.fresh_database(postgres_url, "demo_city")
    engine = store.open_store(url)
    load_into_store(engine, demo_build)
    engine.dispose()
    return url
