"""The whole map on the demo city: offline, every layer present, filters and basemaps."""

import json
import re

import folium
import pytest

from chuangcheng.geo.areas import AreaFilter
from chuangcheng.geo.coords import wgs84_to_gcj02
from chuangcheng.layers.battle_map import MapRequest, build_battle_map, focus_bounds, mission_layers
from chuangcheng.layers.tiles import BasemapConfigError
from tests.layers.helpers import geojson_children


def _groups(fmap):
    return {c.layer_name: c for c in fmap._children.values() if isinstance(c, folium.FeatureGroup)}


def _feature_count(group):
    return sum(len(g.data["features"]) for g in geojson_children(group))


def test_default_map_has_all_layers_and_loads_nothing_remote(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    fmap = build_battle_map(frames, meta)
    groups = _groups(fmap)
    assert set(groups) == {
        "底图：行政区划与道路",
        "网格体系：街道",
        "网格体系：社区",
        "网格体系：网格",
        "停车：施划路段",
        "停车：公共停车场",
        "公厕",
        "农贸市场",
        "测评点位",
    }
    assert _feature_count(groups["测评点位"]) == len(frames["inspection_points"]) == 201
    assert _feature_count(groups["停车：施划路段"]) == 114
    assert _feature_count(groups["公厕"]) == len(frames["public_toilets"])
    html = fmap.get_root().render()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/app/static/") for u in urls)
    assert "tile.openstreetmap" not in html and "cdn.jsdelivr" not in html


def test_layers_can_be_switched_off(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    fmap = build_battle_map(frames, meta, MapRequest(layers=frozenset({"markets"})))
    assert set(_groups(fmap)) == {"底图：行政区划与道路", "农贸市场"}
    assert list(mission_layers()) == ["grids", "parking", "public_toilets", "markets", "inspection_points"]


def test_street_filter_limits_features_and_zooms_in(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    code = frames["streets"]["street_code"].iloc[3]
    area = AreaFilter(street_code=code)
    fmap = build_battle_map(frames, meta, MapRequest(area=area))
    expected = (frames["inspection_points"]["street_code"] == code).sum()
    assert _feature_count(_groups(fmap)["测评点位"]) == expected
    assert _feature_count(_groups(fmap)["网格体系：街道"]) == 1
    whole = focus_bounds(frames, AreaFilter())
    part = focus_bounds(frames, area)
    assert part[1][0] - part[0][0] < whole[1][0] - whole[0][0]
    name = frames["streets"].set_index("street_code").loc[code, "street_name"]
    titles = [c.inner_html for c in fmap._children.values() if getattr(c, "css_class", "").endswith("cc-title-box")]
    assert f"{name} 创城作战图" in titles[0]


def test_district_filter_titles_and_limits_the_map(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    area = AreaFilter(district_code="140214")
    fmap = build_battle_map(frames, meta, MapRequest(area=area))
    titles = [c.inner_html for c in fmap._children.values() if getattr(c, "css_class", "").endswith("cc-title-box")]
    assert len(titles) == 1 and "大同市云冈区 创城作战图" in titles[0]
    expected = (frames["inspection_points"]["district_code"] == "140214").sum()
    assert 0 < _feature_count(_groups(fmap)["测评点位"]) == expected < len(frames["inspection_points"])
    (s, w), (n, e) = focus_bounds(frames, area)
    city = frames["districts"].set_index("district_code").loc["140214"].geometry.bounds
    assert (w, s, e, n) == pytest.approx(city)


def test_gaode_shifts_every_layer(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    plain = build_battle_map(frames, meta)
    gaode = build_battle_map(frames, meta, MapRequest(basemap="gaode"))
    a = geojson_children(_groups(plain)["测评点位"])[0].data["features"][0]["geometry"]["coordinates"]
    b = geojson_children(_groups(gaode)["测评点位"])[0].data["features"][0]["geometry"]["coordinates"]
    lon, lat = wgs84_to_gcj02(a[0], a[1])
    assert b == pytest.approx((float(lon), float(lat)), abs=2e-6)
    tiles = [c for c in gaode._children.values() if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 1 and "autonavi" in tiles[0].tiles


def test_an_online_basemap_keeps_the_offline_roads_for_when_its_tiles_fail(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    gaode = build_battle_map(frames, meta, MapRequest(basemap="gaode"))
    fallback = _groups(gaode)["底图：行政区划与道路（备用）"]
    assert not fallback.show and _feature_count(fallback) == len(frames["roads"])
    import shapely

    drawn = shapely.geometry.shape(geojson_children(fallback)[0].data["features"][0]["geometry"])
    first = shapely.get_coordinates(frames["roads"].to_crs("EPSG:4326").geometry.iloc[0])[0]
    lon, lat = wgs84_to_gcj02(first[0], first[1])
    assert shapely.get_coordinates(drawn)[0] == pytest.approx([float(lon), float(lat)], abs=2e-6)  # shifted
    html = gaode.get_root().render()
    tile = next(c for c in gaode._children.values() if isinstance(c, folium.TileLayer))
    assert f'{tile.get_name()}.on("tileerror"' not in html  # bound through the list
    assert f"var tiles = [{tile.get_name()}]" in html and f"var fallback = {fallback.get_name()}" in html
    assert json.dumps("在线底图无法加载")[1:-1] in html  # the note, as the script has it
    assert "底图：行政区划与道路（备用）" not in {g for g in _groups(build_battle_map(frames, meta))}


def test_tianditu_without_key_is_refused(demo_city):
    frames, meta = demo_city.frames, demo_city.meta
    with pytest.raises(BasemapConfigError):
        build_battle_map(frames, meta, MapRequest(basemap="tianditu_img"))
