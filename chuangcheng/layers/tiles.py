"""Basemap choices: the offline vector basemap (default) and the online 天地图 / 高德 tiles.

天地图 is CGCS2000 (= WGS84 for display): no shift. 高德 tiles are in GCJ-02: every WGS84
geometry is shifted to GCJ-02 before drawing, and clicks coming back are shifted to WGS84.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import folium
from branca.element import MacroElement
from jinja2 import Template

from chuangcheng.geo.coords import gcj02_to_wgs84, wgs84_to_gcj02

_TIANDITU_URL = "https://t{s}.tianditu.gov.cn/DataServer?T={layer}&x={{x}}&y={{y}}&l={{z}}&tk={key}"
_GAODE_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
_TIANDITU_KEY = re.compile(r"^[0-9a-fA-F]{32}$")


@dataclass(frozen=True)
class Basemap:
    key: str
    title: str
    online: bool
    needs_tianditu_key: bool = False
    to_display: Callable | None = None  # WGS84 -> the tiles' coordinates
    from_display: Callable | None = None  # the tiles' coordinates -> WGS84
    note: str = ""


BASEMAPS: dict[str, Basemap] = {
    "offline": Basemap(
        "offline", "离线矢量底图（默认，不联网）", online=False, note="由本市行政区划与路网绘制，不请求任何外部地址。"
    ),
    "tianditu_vec": Basemap(
        "tianditu_vec",
        "天地图 矢量",
        online=True,
        needs_tianditu_key=True,
        note="CGCS2000 坐标，与 WGS84 一致，无需纠偏。需配置天地图浏览器端密钥。",
    ),
    "tianditu_img": Basemap(
        "tianditu_img",
        "天地图 影像",
        online=True,
        needs_tianditu_key=True,
        note="CGCS2000 坐标，与 WGS84 一致，无需纠偏。需配置天地图浏览器端密钥。",
    ),
    "gaode": Basemap(
        "gaode",
        "高德地图",
        online=True,
        to_display=wgs84_to_gcj02,
        from_display=gcj02_to_wgs84,
        note="高德瓦片为 GCJ-02：数据已偏移到 GCJ-02 显示，点击位置已换算回 WGS84。",
    ),
}


class BasemapConfigError(ValueError):
    """A basemap that cannot be used as configured."""


def validate_tianditu_key(key: str | None) -> str:
    if not key or not _TIANDITU_KEY.match(key.strip()):
        raise BasemapConfigError(
            "天地图需要 32 位十六进制的浏览器端密钥（tk）。请在 .streamlit/secrets.toml 的 "
            "[basemaps] tianditu_key 或环境变量 TIANDITU_KEY 中配置。"
        )
    return key.strip()


def add_tiles(fmap: folium.Map, basemap_key: str, *, tianditu_key: str | None = None) -> Basemap:
    """Add the tile layers of an online basemap (nothing for the offline one); they are kept on
    the map as ``fmap.cc_tile_layers`` for :func:`fall_back_when_tiles_fail`."""
    try:
        basemap = BASEMAPS[basemap_key]
    except KeyError:
        raise BasemapConfigError(f"未知底图 “{basemap_key}”，可选：{', '.join(BASEMAPS)}。") from None
    tiles: list[folium.TileLayer] = []
    if basemap_key.startswith("tianditu"):
        key = validate_tianditu_key(tianditu_key)
        base, labels = ("vec_w", "cva_w") if basemap_key == "tianditu_vec" else ("img_w", "cia_w")
        for layer, overlay in ((base, False), (labels, True)):
            tiles.append(
                folium.TileLayer(
                    tiles=_TIANDITU_URL.format(s="{s}", layer=layer, key=key),
                    attr="天地图",
                    name=f"{basemap.title}（{layer}）",
                    subdomains="01234567",
                    max_zoom=18,
                    overlay=overlay,
                    control=False,
                )
            )
    elif basemap_key == "gaode":
        tiles.append(
            folium.TileLayer(
                tiles=_GAODE_URL, attr="高德地图", name=basemap.title, subdomains="1234", max_zoom=18, control=False
            )
        )
    for tile in tiles:
        tile.add_to(fmap)
    setattr(fmap, "cc_tile_layers", tiles)  # folium.Map has no field for it
    return basemap


# Tiles that fail (no route to the tile host, a blocked domain) leave a grey map with no word.
# After a few failures and no successes the page removes the online layers, shows the offline
# roads kept in the page, and says so on the map.
FAILED_TILES_BEFORE_FALLBACK = 4
FAILED_NOTE = "在线底图无法加载（网络不通或被拦截），已改用离线矢量底图。"
FALLBACK_LEGEND_FOOTER = "底图：离线矢量底图（在线底图无法加载）"


class TileFallback(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var tiles = [{% for name in this.tile_names %}{{ name }}{% if not loop.last %}, {% endif %}{% endfor %}];
            var fallback = {{ this.fallback_name }};
            var failed = 0, loaded = 0, done = false;
            window.ccBasemapFallback = {failed: false};
            function fallBack() {
                if (done) return;
                done = true;
                tiles.forEach(function (t) { map.removeLayer(t); });
                fallback.addTo(map);
                var note = L.control({position: "bottomleft"});
                note.onAdd = function () {
                    var div = L.DomUtil.create("div", "cc-tiles-failed");
                    div.textContent = {{ this.note|tojson }};
                    return div;
                };
                note.addTo(map);
                // the legend named the online basemap: it now names what is drawn
                document.querySelectorAll(".cc-legend .cc-foot").forEach(function (foot) {
                    foot.textContent = {{ this.legend_footer|tojson }};
                });
                window.ccBasemapFallback = {failed: true, errors: failed};
            }
            tiles.forEach(function (t) {
                t.on("tileload", function () { loaded += 1; });
                t.on("tileerror", function () {
                    failed += 1;
                    if (failed >= {{ this.threshold }} && loaded === 0) fallBack();
                });
            });
        })();
        {% endmacro %}
    """)

    def __init__(self, tile_names: list[str], fallback_name: str) -> None:
        super().__init__()
        self._name = "TileFallback"
        self.tile_names = tile_names
        self.fallback_name = fallback_name
        self.note = FAILED_NOTE
        self.legend_footer = FALLBACK_LEGEND_FOOTER
        self.threshold = FAILED_TILES_BEFORE_FALLBACK


def fall_back_when_tiles_fail(fmap: folium.Map, fallback: folium.FeatureGroup) -> None:
    """When the online basemap's tiles fail to load, show ``fallback`` and a note on the map."""
    tiles = getattr(fmap, "cc_tile_layers", [])
    if not tiles:
        return
    fallback.add_to(fmap)
    TileFallback([t.get_name() for t in tiles], fallback.get_name()).add_to(fmap)


def display_to_wgs84(basemap_key: str, lon: float, lat: float) -> tuple[float, float]:
    """A location reported by the map (in the basemap's coordinates) as WGS84 degrees.

    On 高德 the map works in GCJ-02, so clicks and bounds must be shifted back before they are
    compared with the data; on the other basemaps they are already WGS84.
    """
    back = BASEMAPS[basemap_key].from_display
    if back is None:
        return float(lon), float(lat)
    out_lon, out_lat = back(lon, lat)
    return float(out_lon), float(out_lat)
