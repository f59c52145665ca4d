import folium
import geopandas as gpd
import pytest
import shapely

from chuangcheng.geo.coords import wgs84_to_gcj02
from chuangcheng.layers import basemap, tiles
from chuangcheng.layers.assets import OfflineAssetError, assert_offline, new_map, remote_assets
from tests.layers.helpers import geojson_children


def _admin():
    return gpd.GeoDataFrame(
        {"adcode": ["140200", "140213"], "name": ["大同市", "平城区"], "level": ["city", "district"]},
        geometry=[shapely.box(113.0, 39.9, 113.6, 40.3), shapely.box(113.2, 40.0, 113.4, 40.17)],
        crs="EPSG:4326",
    )


def _roads():
    return gpd.GeoDataFrame(
        {"road_name": ["甲路"], "highway": ["primary"]},
        geometry=[shapely.LineString([(113.25, 40.1), (113.35, 40.1)])],
        crs="EPSG:4326",
    )


def test_default_folium_map_is_not_offline_but_ours_is():
    assert any("cdn" in url for url in remote_assets(folium.Map()))
    with pytest.raises(OfflineAssetError, match="外部加载资源"):
        assert_offline(folium.Map())
    ours = new_map()
    assert remote_assets(ours) == []
    html = ours.get_root().render()
    assert "https://" not in html and "/app/static/vendor/leaflet/leaflet.js" in html


def test_vector_basemap_draws_outlines_and_roads_without_tiles():
    group = basemap.to_feature_group(_admin(), _roads(), focus_adcodes="140213")
    layers = geojson_children(group)
    assert len(layers) == 2
    assert [f["properties"]["adcode"] for f in layers[0].data["features"]] == ["140200", "140213"]
    focus = basemap._admin_style("140213")({"properties": {"adcode": "140213", "level": "district"}})
    other = basemap._admin_style("140213")({"properties": {"adcode": "140212", "level": "district"}})
    assert focus["weight"] > other["weight"]


def test_online_basemap_draws_outlines_only_and_shifted():
    group = basemap.to_feature_group(_admin(), None, focus_adcodes="140213", shift=wgs84_to_gcj02, fill_districts=False)
    layer = geojson_children(group)[0]
    first = layer.data["features"][1]["geometry"]["coordinates"][0][0]
    lon, lat = wgs84_to_gcj02(113.4, 40.0)
    assert first == pytest.approx((float(lon), float(lat)), abs=1e-6)


def test_tianditu_needs_a_key_and_is_not_shifted():
    fmap = new_map()
    with pytest.raises(tiles.BasemapConfigError, match="天地图"):
        tiles.add_tiles(fmap, "tianditu_vec", tianditu_key=None)
    chosen = tiles.add_tiles(fmap, "tianditu_vec", tianditu_key="0123456789abcdef0123456789abcdef")
    assert chosen.to_display is None
    urls = [c.tiles for c in fmap._children.values() if isinstance(c, folium.TileLayer)]
    assert any("T=vec_w" in u for u in urls) and any("T=cva_w" in u for u in urls)
    assert all("tk=0123456789abcdef0123456789abcdef" in u for u in urls)


def test_gaode_shifts_both_ways_and_offline_adds_no_tiles():
    gaode = tiles.BASEMAPS["gaode"]
    lon, lat = gaode.to_display(113.3, 40.09)
    back_lon, back_lat = gaode.from_display(lon, lat)
    assert abs(back_lon - 113.3) < 1e-9 and abs(back_lat - 40.09) < 1e-9
    fmap = new_map()
    tiles.add_tiles(fmap, "offline")
    assert not any(isinstance(c, folium.TileLayer) for c in fmap._children.values())
    with pytest.raises(tiles.BasemapConfigError, match="未知底图"):
        tiles.add_tiles(fmap, "baidu")


def test_clicks_come_back_as_wgs84():
    lon, lat = wgs84_to_gcj02(113.3, 40.09)
    back = tiles.display_to_wgs84("gaode", float(lon), float(lat))
    assert back == pytest.approx((113.3, 40.09), abs=1e-9)
    assert tiles.display_to_wgs84("offline", 113.3, 40.09) == (113.3, 40.09)
    assert tiles.display_to_wgs84("tianditu_vec", 113.3, 40.09) == (113.3, 40.09)
