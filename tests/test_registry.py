"""A layer is declared once: registering a throwaway 公交站 layer (one registry entry plus its
colours) makes it a store table, an import target, a switch and legend on the 作战挂图 with
click details, a legend entry on the poster and a layer of the wall's overview — with no other code changed."""

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from chuangcheng import registry, store
from chuangcheng.ingest.importer import import_file
from chuangcheng.layers import style
from chuangcheng.layers.battle_map import MapRequest, build_battle_map, click_layers, mission_layers
from chuangcheng.layers.poster import PosterSpec, render_poster
from chuangcheng.store import layers
from tests.layers.test_poster import _focus, _texts_outside_the_map
from tests.ui.helpers import feature_count, in_script

BUS_STOPS = registry.Layer(
    "bus_stops",
    "公交站点",
    "point",
    "stop_id",
    "stop_name",
    (
        registry.Field("stop_id", "站点编号", synonyms=("站点编号", "编号", "id")),
        registry.Field("stop_name", "站点名称", required=True, synonyms=("站点名称", "站名", "名称", "name")),
        registry.Field("shelter", "候车亭", synonyms=("候车亭", "有无候车亭")),
    ),
    "mission",
    id_prefix="GJ",
    show=registry.Show("公交站", color_field="shelter", popup=("stop_name", "shelter"), order=35),
)
SHELTER_COLORS = {"有": "#00838f", "无": "#ff8f00"}


@pytest.fixture
def bus_stops(monkeypatch):
    registry.register(BUS_STOPS)
    monkeypatch.setitem(style.CATEGORY_COLORS, "bus_stops", SHELTER_COLORS)
    yield
    registry.unregister("bus_stops")


def _csv(tmp_path):
    path = tmp_path / "公交站台账.csv"
    pd.DataFrame(
        {
            "站名": ["火车站", "鼓楼", "华严寺", ""],
            "经度": [113.300, 113.302, 113.296, 113.301],
            "纬度": [40.095, 40.091, 40.093, 40.090],
            "有无候车亭": ["有", "有", "无", "有"],
        }
    ).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_the_importer_and_the_store_take_it(bus_stops, tmp_path):
    report = import_file(_csv(tmp_path), "bus_stops")
    assert report.mapping["stop_name"] == "站名" and report.mapping["shelter"] == "有无候车亭"
    assert sorted(report.accepted["stop_name"]) == ["华严寺", "火车站", "鼓楼"]
    assert report.rejected["row"].tolist() == [5]  # no name
    engine = store.open_store(f"sqlite:///{tmp_path / 'store.gpkg'}")  # the table is made from the registry
    layers.commit_layer(engine, "bus_stops", report.accepted, actor="test")
    stored = layers.read_layer(engine, "bus_stops")
    assert sorted(stored["stop_name"]) == ["华严寺", "火车站", "鼓楼"]


def _stops():
    points = [shapely.Point(113.300, 40.095), shapely.Point(113.302, 40.091), shapely.Point(113.296, 40.093)]
    return gpd.GeoDataFrame(
        {
            "stop_id": ["GJ1", "GJ2", "GJ3"],
            "stop_name": ["火车站", "鼓楼", "华严寺"],
            "shelter": ["有", "有", "无"],
            "street_name": ["甲", "乙", "丙"],
            "community_name": ["一", "二", "三"],
        },
        geometry=points,
        crs="EPSG:4326",
    )


def test_the_battle_map_draws_it_with_its_legend_and_click_details(bus_stops, demo_city):
    frames = {**demo_city.frames, "bus_stops": _stops()}
    assert list(mission_layers()) == ["grids", "parking", "public_toilets", "bus_stops", "markets", "inspection_points"]
    assert click_layers()["bus_stops"] == (
        "公交站",
        {"stop_name": "站点名称", "shelter": "候车亭", "street_name": "所属街道", "community_name": "所属社区"},
    )
    page = build_battle_map(frames, demo_city.meta, MapRequest(layers=frozenset({"bus_stops"}))).get_root().render()
    assert all(in_script(page, text) for text in ("华严寺", "公交站", "有（2）", "无（1）", "#00838f"))
    basemap = len(frames["admin_boundaries"]) + len(frames["roads"])
    assert feature_count(page) == basemap + 3
    without = build_battle_map(frames, demo_city.meta, MapRequest(layers=frozenset({"markets"}))).get_root().render()
    assert not in_script(without, "华严寺")


def test_the_poster_draws_it_in_its_legend(bus_stops, demo_city):
    frames = {**demo_city.frames, "bus_stops": _stops()}
    fig = render_poster(
        frames, demo_city.meta, PosterSpec("图", "", paper="A4", layers=("bus_stops",)), focus=_focus(frames)
    )
    texts = [t.get_text() for t in _texts_outside_the_map(fig)]
    assert "公交站 有（2）" in texts and "公交站 无（1）" in texts


def test_the_wall_shows_it_on_its_overview(bus_stops, demo_city):
    from chuangcheng.geo.wallscreen import WallView
    from tests.layers.test_wall_map import _build, _views

    frames = {**demo_city.frames, "bus_stops": _stops()}
    fmap, carousel = _build(frames, [WallView("city", "全市")], {})
    (view,) = _views(carousel)
    assert view["layers"][-3:] == ["bus_stops", "markets", "inspection_points"]
    assert "有（2）" in json.dumps(view, ensure_ascii=False)  # its legend, counted
    assert in_script(fmap.get_root().render(), "华严寺")


def test_walking_coverage_and_the_osm_reader_take_it(monkeypatch, demo_city):
    from chuangcheng.geo.lifecircle import FACILITY_TYPES, CoverageRequest, analyse
    from chuangcheng.geo.network import build_network
    from chuangcheng.geo.osm import FACILITY_TAGS
    from chuangcheng.geo.standards import load_standards

    stops = registry.Layer(**{**BUS_STOPS.__dict__, "standard_key": "life_circle_5min_m",
                              "osm_tag": ("highway", "bus_stop")})  # fmt: skip
    registry.register(stops)
    try:
        assert FACILITY_TYPES["bus_stops"].title_zh == "公交站" and FACILITY_TAGS["bus_stops"] == (
            "highway",
            "bus_stop",
        )
        frames = {**demo_city.frames, "bus_stops": _stops()}
        network = build_network(frames["walk_nodes"], frames["walk_edges"])
        result = analyse(frames, network, load_standards(override_path=None), CoverageRequest("bus_stops", "standard"))
        assert result.cutoff_m == 300 and len(result.facilities) == 3
    finally:
        registry.unregister("bus_stops")
    assert "bus_stops" not in FACILITY_TYPES
