"""The wall-screen map: every layer loaded once, and a carousel that switches views in the
browser (which layers show, where the map looks, the big title and the legend) every N seconds
without reloading anything. ``window.ccCarousel`` exposes the current view and a cycle count.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import folium
import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from geo.wallscreen import WallConfig
from layers import basemap, inspection_points, markets, parking, public_toilets
from layers.assets import assert_offline, new_map
from layers.controls import LegendSection, MetricScale, NameLabels, legend_html
from layers.coverage import compounds_group, legend_sections as coverage_legend
from layers.export import NorthArrow
from layers.geojson import geojson_group
from layers.style import HIERARCHY_STYLE, map_css

WALL_CSS = """
<style>
html, body { height: 100%; margin: 0; }
.folium-map { position: absolute !important; inset: 0; height: 100% !important; }
.cc-view-title { background: rgba(11, 26, 43, 0.88); color: #ffd54f; border-radius: 6px;
  padding: 8px 16px; font-size: 26px; font-weight: 800;
  box-shadow: 0 2px 10px rgba(0,0,0,0.4); }
.cc-view-title .cc-view-sub { font-size: 12px; color: #cfd8dc; font-weight: 400; }
.cc-wall-legend, .cc-view-title, .cc-north, .leaflet-control-scale { zoom: var(--cc-s, 1); }
.cc-wall-legend { max-height: none !important; }
.cc-label-street span { font-size: calc(15px * var(--cc-s, 1)) !important; }
</style>
"""


@dataclass(frozen=True)
class CoverageTheme:
    """A coverage view's data: compounds with ``distance_m``/``covered`` and its threshold."""

    compounds: gpd.GeoDataFrame
    cutoff_m: float
    source_text: str
    method_title: str
    facility_title: str


class Carousel(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = window.map = {{ this._parent.get_name() }};
            var groups = { {% for key, var in this.groups.items() %}{{ key|tojson }}: {{ var }},{% endfor %} };
            var views = {{ this.views_json }};
            var titleBox = L.control({position: "topleft"});
            titleBox.onAdd = function () { return L.DomUtil.create("div", "cc-view-title"); };
            titleBox.addTo(map);
            var legendBox = L.control({position: "bottomright"});
            legendBox.onAdd = function () { return L.DomUtil.create("div", "cc-control cc-legend cc-wall-legend"); };
            legendBox.addTo(map);
            var state = window.ccCarousel = {index: -1, cycles: 0, showMs: [], views: views.length};
            function show(k) {
                var t0 = performance.now();
                var v = views[k];
                Object.keys(groups).forEach(function (key) {
                    var on = v.layers.indexOf(key) >= 0;
                    if (on && !map.hasLayer(groups[key])) map.addLayer(groups[key]);
                    if (!on && map.hasLayer(groups[key])) map.removeLayer(groups[key]);
                });
                map.invalidateSize();
                map.fitBounds(v.bounds, {animate: false, paddingTopLeft: [20, 110],
                                         paddingBottomRight: [Math.round(map.getSize().x * 0.22), 20]});
                titleBox.getContainer().innerHTML = v.title_html;
                legendBox.getContainer().innerHTML = v.legend_html;
                state.index = k; state.cycles += 1;
                state.showMs.push(performance.now() - t0);
                if (state.showMs.length > 1000) state.showMs.shift();
            }
            // A 4K screen at 100 % scaling: grow markers, lines and panels with the map's width so
            // the map reads from across the room like the 1080p layout does.
            function scaleSymbols() {
                var k = Math.max(1, map.getSize().x / 1450);
                document.documentElement.style.setProperty("--cc-s", k);
                (function walk(layer) {
                    if (layer.eachLayer) layer.eachLayer(walk);
                    if (!layer.setStyle || !layer.options) return;
                    if (layer._ccBase === undefined)
                        layer._ccBase = {w: layer.options.weight, r: layer.options.radius};
                    var st = {};
                    if (layer._ccBase.w) st.weight = layer._ccBase.w * k;
                    layer.setStyle(st);
                    if (layer._ccBase.r && layer.setRadius) layer.setRadius(layer._ccBase.r * k);
                })({eachLayer: function (fn) { Object.keys(groups).forEach(function (g) { fn(groups[g]); }); }});
            }
            state.next = function () { show((state.index + 1) % views.length); };
            var timer = null;
            state.setIntervalMs = function (ms) {
                if (timer) clearInterval(timer);
                timer = setInterval(state.next, ms);
            };
            window.addEventListener("resize", function () { scaleSymbols(); show(state.index < 0 ? 0 : state.index); });
            scaleSymbols();
            show(0);
            state.setIntervalMs({{ this.interval_ms }});
        })();
        {% endmacro %}
    """)

    def __init__(self, groups: dict[str, str], views: list[dict], interval_ms: int):
        super().__init__()
        self._name = "Carousel"
        self.groups = groups
        self.views_json = json.dumps(views, ensure_ascii=False).replace("</", "<\\/")
        self.interval_ms = int(interval_ms)


def _bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    west, south, east, north = gdf.to_crs("EPSG:4326").total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def _title_html(title: str, subtitle: str) -> str:
    return f'{html.escape(title)}<div class="cc-view-sub">{html.escape(subtitle)}</div>'


def build_wall_map(city: dict[str, gpd.GeoDataFrame], meta: dict[str, str], config: WallConfig,
                   coverage: dict[str, CoverageTheme], *, note: str) -> folium.Map:
    """The wall map with all views; ``coverage`` holds the toilet/market coverage themes."""
    fmap = new_map(min_zoom=9, max_zoom=18, zoom_control=False)
    root = fmap.get_root()
    root.header.add_child(map_css())
    root.header.add_child(folium.Element(WALL_CSS))
    basemap.to_feature_group(city["admin_boundaries"], city["roads"], focus_adcodes=set(city["districts"]["district_code"])).add_to(fmap)

    streets = city["streets"]
    street_group = geojson_group(streets, name="街道", popup_fields={"street_name": "街道"},
                                 tooltip_fields={"street_name": "街道"}, interactive=False,
                                 style=lambda _: {"color": HIERARCHY_STYLE["street"]["color"],
                                                  "weight": 3.5, "fill": False})
    pts = streets.geometry.representative_point()
    NameLabels([(float(p.y), float(p.x), n) for p, n in zip(pts, streets["street_name"])],
               css_class="cc-label-street").add_to(street_group)
    groups: dict[str, folium.FeatureGroup] = {"streets": street_group}
    groups["points"] = inspection_points.to_feature_group(city["inspection_points"])
    groups["toilets"] = public_toilets.to_feature_group(city["public_toilets"])
    groups["markets"] = markets.to_feature_group(city["markets"])
    sections, lots = parking.to_feature_groups(city["parking_lots"], city["parking_sections"])
    groups["parking_sections"], groups["parking_lots"] = sections, lots
    for key, theme in coverage.items():
        groups[f"{key}_compounds"] = compounds_group(theme.compounds, theme.cutoff_m)
    for group in groups.values():
        group.add_to(fmap)

    district = city["districts"]
    legends = {
        "points": [inspection_points.legend_section(city["inspection_points"])],
        "toilets": [public_toilets.legend_section(city["public_toilets"])],
        "markets": [markets.legend_section(city["markets"])],
        "parking": parking.legend_sections(city["parking_lots"], city["parking_sections"]),
    }
    city_layers = ["streets", "parking_sections", "toilets", "markets", "points"]
    city_legend = legends["points"] + legends["markets"] + legends["toilets"] + legends["parking"][:1]

    def view(title: str, bounds, layers: list[str], legend: list[LegendSection], sub: str = "") -> dict:
        return {"title_html": _title_html(title, sub or note), "bounds": bounds, "layers": layers,
                "legend_html": legend_html(legend, footer=note)}

    views = []
    for spec in config.views:
        if spec.kind == "city":
            views.append(view(spec.title or "全市总览", _bounds(district), city_layers, city_legend))
        elif spec.kind == "districts":
            for row in district.sort_values("district_code").itertuples():
                one = district[district["district_code"] == row.district_code]
                views.append(view(f"{row.district_name}", _bounds(one), city_layers, city_legend,
                                  sub=f"{row.district_code} · {note}"))
        elif spec.kind == "streets":
            chosen = streets if not spec.district else streets[streets["district_code"] == spec.district]
            for row in chosen.sort_values("street_code").itertuples():
                one = streets[streets["street_code"] == row.street_code]
                views.append(view(f"{row.street_name}", _bounds(one), city_layers, city_legend,
                                  sub=f"{row.street_code} · {note}"))
        elif spec.theme == "inspection_points":
            views.append(view(spec.title or "测评点位", _bounds(district), ["streets", "points"],
                              legends["points"]))
        elif spec.theme == "parking":
            views.append(view(spec.title or "停车", _bounds(district),
                              ["streets", "parking_sections", "parking_lots"], legends["parking"]))
        else:
            key = spec.theme
            theme = coverage[key]
            facility = "toilets" if key == "toilet_coverage" else "markets"
            legend = coverage_legend(theme.cutoff_m, theme.source_text, theme.method_title, "网格",
                                     theme.facility_title)
            views.append(view(spec.title or key, _bounds(district),
                              ["streets", f"{key}_compounds", facility],
                              [legend[0], legend[3], *legends[facility]]))
    Carousel({k: g.get_name() for k, g in groups.items()}, views,
             int(config.interval_s * 1000)).add_to(fmap)
    MetricScale().add_to(fmap)
    NorthArrow().add_to(fmap)
    assert_offline(fmap)
    return fmap
