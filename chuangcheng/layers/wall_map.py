"""The wall-screen page: a dark map with its title bar and side panel in one document, and a
carousel that switches views in the browser every N seconds without reloading anything.

A view changes which layers show and where the map looks, dims everything outside its area
(a 区 or 街道), puts its headline figures on the map, and swaps the side panel (tiles, 红黑榜,
chart, built per view by ``ui.wall_panels``) and the legend. ``window.ccCarousel`` exposes the
current view and a cycle count; the current view survives a reload (sessionStorage), so a
commit that redraws the page does not send the wall back to its first view.

Sizes follow ``--u`` = min(1vw, 16:9 of 1vh): the layout reads the same at 1920×1080,
3840×2160 and on a 5760×1080 three-panel wall (where the map takes the extra width). No text
is smaller than ``--t`` = 1.3u (25 px at 1080p).
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import folium
import geopandas as gpd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from chuangcheng import registry
from chuangcheng.geo.areas import filter_area
from chuangcheng.geo.lifecircle import CoverageResult
from chuangcheng.geo.wallscreen import COVERAGE_THEMES, WallView
from chuangcheng.layers import basemap, drawing, parking
from chuangcheng.layers.assets import assert_offline, new_map, page_of
from chuangcheng.layers.controls import LegendItem, LegendSection, NameLabels, compact_legend_html
from chuangcheng.layers.coverage import DISTANCE_CLASSES, SHARE_BINS, UNCOVERED_COLOR, areas_group, compounds_group
from chuangcheng.layers.geojson import geojson_group
from chuangcheng.layers.style import FONT_STACK, PROGRESS_BINS, WALL_BACKGROUND, WALL_STREET_STYLE, map_css

WALL_CSS = f"""
<style>
:root {{ --u: min(1vw, 1.7778vh); --t: calc(var(--u) * 1.3); --head: calc(var(--u) * 3.4);
  --side: calc(var(--u) * 27); }}
html, body {{ height: 100%; margin: 0; overflow: hidden; background: #050d16; color: #e6edf3;
  font-family: {FONT_STACK}; }}
.cc-wall-head {{ position: absolute; left: 0; right: 0; top: 0; height: var(--head); box-sizing: border-box;
  display: flex; align-items: center; gap: calc(var(--u) * 1.2); white-space: nowrap; overflow: hidden;
  padding: 0 calc(var(--u) * 11) 0 calc(var(--u) * 0.8); }}
.cc-wall-head h1 {{ font-size: calc(var(--u) * 2.2); line-height: 1.15; margin: 0; color: #ffd54f; font-weight: 800; }}
.cc-wall-head .cc-badge {{ font-size: var(--t); color: #ffcc80; border: 2px solid #ffb74d; border-radius: 8px;
  padding: 0 0.4em; }}
.cc-wall-head .cc-asof {{ font-size: var(--t); color: #b0bec5; }}
.folium-map {{ position: absolute !important; left: calc(var(--u) * 0.6) !important; top: var(--head) !important;
  right: calc(var(--side) + var(--u) * 1.2); bottom: calc(var(--u) * 0.6); width: auto !important;
  height: auto !important; border-radius: 8px; }}
.leaflet-container {{ background: {WALL_BACKGROUND} !important; }}
.cc-wall-side {{ position: absolute; top: var(--head); right: calc(var(--u) * 0.6); width: var(--side);
  bottom: calc(var(--u) * 0.6); overflow: hidden; display: flex; flex-direction: column;
  gap: calc(var(--u) * 0.45); }}
.cc-view-title {{ background: rgba(7, 17, 28, 0.9); color: #ffd54f; border-radius: 8px; max-width: calc(var(--u) * 44);
  padding: calc(var(--u) * 0.5) calc(var(--u) * 0.9); box-shadow: 0 2px 10px rgba(0,0,0,0.5); }}
.cc-view-title .cc-vt {{ font-size: calc(var(--u) * 2.0); font-weight: 800; line-height: 1.2; }}
.cc-view-title .cc-hl {{ display: flex; gap: calc(var(--u) * 1.6); margin-top: calc(var(--u) * 0.2); }}
.cc-view-title .cc-hl b {{ display: block; font-size: calc(var(--u) * 2.6); color: #ffffff; line-height: 1.1; }}
.cc-view-title .cc-hl span {{ font-size: var(--t); color: #b0bec5; }}
.cc-view-title .cc-vn {{ font-size: var(--t); color: #cfd8dc; margin-top: calc(var(--u) * 0.2); white-space: normal; }}
.cc-wall-legend {{ background: rgba(7, 17, 28, 0.9); color: #e6edf3; border-radius: 8px;
  padding: calc(var(--u) * 0.3) calc(var(--u) * 0.6); font-size: var(--t); max-width: calc(var(--u) * 60); }}
.cc-wall-legend button {{ font: inherit; font-size: var(--t); color: #ffd54f; background: none; border: 0;
  padding: 0; cursor: pointer; }}
.cc-wall-legend.cc-collapsed .cc-lbody {{ display: none; }}
.cc-wall-legend .cc-lrow {{ display: flex; flex-wrap: wrap; align-items: center; column-gap: calc(var(--u) * 0.8);
  line-height: 1.35; }}
.cc-wall-legend .cc-lrow b {{ color: #ffd54f; }}
.cc-wall-legend .cc-li {{ display: inline-flex; align-items: center; gap: calc(var(--u) * 0.3); white-space: nowrap; }}
.cc-wall-legend .cc-sym {{ zoom: var(--cc-k, 1.4); }}
.cc-wall-north {{ font-size: var(--t); font-weight: 800; color: #e6edf3; text-align: center; line-height: 1;
  background: rgba(7, 17, 28, 0.8); border-radius: 6px; padding: calc(var(--u) * 0.2) calc(var(--u) * 0.4); }}
.leaflet-control-scale-line {{ font-size: var(--t) !important; line-height: 1.2; background: rgba(7,17,28,0.8) !important;
  color: #e6edf3 !important; border-color: #e6edf3 !important; }}
.cc-label-street span {{ font-size: calc(var(--u) * 1.4) !important; color: #e3f2fd !important; font-weight: 700;
  text-shadow: 0 0 4px #000, 0 0 4px #000, 0 0 8px #000 !important; }}
.cc-label-district span {{ font-size: calc(var(--u) * 2.0) !important; color: #ffe082 !important;
  text-shadow: 0 0 4px #000, 0 0 8px #000 !important; letter-spacing: 0.1em; }}
</style>
"""

MASK_STYLE = {"stroke": False, "fill": True, "fillColor": "#000000", "fillOpacity": 0.6}
OUTLINE_STYLE = {"color": "#ffd54f", "weight": 5, "fill": False}
# Drawn by the 停车 module as a pair; every other shown layer by its own module or layers/facilities.


@dataclass(frozen=True)
class ViewContent:
    """One view as shown: its headline ``(value, label)`` pairs, a note under them, and the side
    panel's HTML (already escaped by its builder)."""

    view: WallView
    headline: tuple[tuple[str, str], ...]
    note: str
    panel_html: str


class Carousel(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = window.map = {{ this._parent.get_name() }};
            var groups = { {% for key, var in this.groups.items() %}{{ key|tojson }}: {{ var }},{% endfor %} };
            var views = {{ this.views_json }};
            var side = document.querySelector(".cc-wall-side");
            map.createPane("ccMask").style.zIndex = 450;
            var titleBox = L.control({position: "topleft"});
            titleBox.onAdd = function () { return L.DomUtil.create("div", "cc-view-title"); };
            titleBox.addTo(map);
            var legendBox = L.control({position: "bottomleft"});
            legendBox.onAdd = function () {
                var div = L.DomUtil.create("div", "cc-wall-legend" + ({{ this.collapsed|tojson }} ? " cc-collapsed" : ""));
                div.innerHTML = '<button type="button" class="cc-ltoggle"></button><div class="cc-lbody"></div>';
                var button = div.querySelector("button");
                function label() { button.textContent = div.classList.contains("cc-collapsed") ? "图例 ▸" : "图例 ▾"; }
                button.onclick = function () { div.classList.toggle("cc-collapsed"); label(); };
                label();
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legendBox.addTo(map);
            var north = L.control({position: "topright"});
            north.onAdd = function () { var d = L.DomUtil.create("div", "cc-wall-north"); d.innerHTML = "▲<br>北"; return d; };
            north.addTo(map);
            // --u in px, as the stylesheet computes it: min(1vw, 16:9 of 1vh)
            function unit() { return Math.min(window.innerWidth / 100, window.innerHeight * 1.7778 / 100); }
            // The scale bar's longest length grows with the text in it (14u).
            L.control.scale({metric: true, imperial: false, position: "bottomright",
                             maxWidth: Math.round(14 * unit())}).addTo(map);
            var state = window.ccCarousel = {index: -1, cycles: 0, showMs: [], views: views.length};
            var dim = null;
            function show(k) {
                var t0 = performance.now();
                var v = views[k];
                Object.keys(groups).forEach(function (key) {
                    var on = v.layers.indexOf(key) >= 0;
                    if (on && !map.hasLayer(groups[key])) map.addLayer(groups[key]);
                    if (!on && map.hasLayer(groups[key])) map.removeLayer(groups[key]);
                });
                if (dim) { map.removeLayer(dim); dim = null; }
                if (v.mask) {
                    dim = L.layerGroup([
                        L.geoJSON(v.mask, {pane: "ccMask", interactive: false, style: {{ this.mask_style }}}),
                        L.geoJSON(v.outline, {pane: "ccMask", interactive: false, style: {{ this.outline_style }}})
                    ]).addTo(map);
                }
                map.invalidateSize();
                var title = titleBox.getContainer().getBoundingClientRect();
                var legend = legendBox.getContainer().getBoundingClientRect();
                // The title box sits top left and the legend bottom left: keep the area clear of both.
                map.fitBounds(v.bounds, {animate: false, paddingTopLeft: [Math.round(title.width) + 20, 20],
                                         paddingBottomRight: [20, Math.round(legend.height) + 20]});
                titleBox.getContainer().innerHTML = v.title_html;
                legendBox.getContainer().querySelector(".cc-lbody").innerHTML = v.legend_html;
                if (side) side.innerHTML = v.panel_html;
                state.index = k; state.cycles += 1;
                try { sessionStorage.setItem("ccWallView", String(k)); } catch (e) {}
                state.showMs.push(performance.now() - t0);
                if (state.showMs.length > 1000) state.showMs.shift();
            }
            // Markers and lines grow with the screen like the text does (--u is 19.2 px at 1080p).
            function scaleSymbols() {
                var k = Math.max(1, unit() / 19.2);
                document.documentElement.style.setProperty("--cc-k", 1.4 * k);
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
            state.show = show;
            state.next = function () { show((state.index + 1) % views.length); };
            var timer = null;
            state.setIntervalMs = function (ms) {
                if (timer) clearInterval(timer);
                timer = setInterval(state.next, ms);
            };
            window.addEventListener("resize", function () { scaleSymbols(); show(state.index < 0 ? 0 : state.index); });
            scaleSymbols();
            var saved = 0;
            try { saved = parseInt(sessionStorage.getItem("ccWallView") || "0", 10) || 0; } catch (e) {}
            show(saved >= 0 && saved < views.length ? saved : 0);
            state.setIntervalMs({{ this.interval_ms }});
        })();
        {% endmacro %}
    """)

    def __init__(self, groups: dict[str, str], views: list[dict], interval_ms: int, *, collapsed: bool = False):
        super().__init__()
        self._name = "Carousel"
        self.groups = groups
        self.views_json = json.dumps(views, ensure_ascii=False).replace("</", "<\\/")
        self.interval_ms = int(interval_ms)
        self.collapsed = bool(collapsed)
        self.mask_style = json.dumps(MASK_STYLE)
        self.outline_style = json.dumps(OUTLINE_STYLE)


def _bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    west, south, east, north = gdf.to_crs("EPSG:4326").total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def _title_html(title: str, headline: tuple[tuple[str, str], ...], note: str) -> str:
    figures = "".join(
        f"<div><b>{html.escape(value)}</b><span>{html.escape(label)}</span></div>" for value, label in headline
    )
    return (
        f'<div class="cc-vt">{html.escape(title)}</div><div class="cc-hl">{figures}</div>'
        f'<div class="cc-vn">{html.escape(note)}</div>'
    )


def _area_shape(city, view: WallView):
    """The view's 区 or 街道 outline (EPSG:4326), or None for city-wide views."""
    if view.kind == "street":
        rows = city["streets"][city["streets"]["street_code"] == view.street_code]
    elif view.kind == "district":
        rows = city["districts"][city["districts"]["district_code"] == view.district_code]
    else:
        return None
    return shapely.union_all(rows.to_crs("EPSG:4326").geometry.to_numpy()).simplify(0.0001)


def _mask(shape, frame_bounds) -> tuple[dict, dict]:
    """(everything but ``shape`` within a margin around the city, the shape's outline) as GeoJSON."""
    west, south, east, north = frame_bounds
    outside = shapely.box(west - 1, south - 1, east + 1, north + 1).difference(shape)
    return shapely.geometry.mapping(outside), shapely.geometry.mapping(shape.boundary)


def _coverage_legend(result: CoverageResult, facility: LegendSection) -> list[LegendSection]:
    cutoff = result.cutoff_m
    bounds = [
        f"≤ {cutoff * f:.0f} 米" if i == 0 else f"{cutoff * DISTANCE_CLASSES[i - 1][0]:.0f}–{cutoff * f:.0f} 米"
        for i, (f, _) in enumerate(DISTANCE_CLASSES)
    ]
    return [
        LegendSection(
            "街道覆盖人口比例", tuple(LegendItem(label, color, shape="fill") for _, color, label in SHARE_BINS)
        ),
        LegendSection(
            "小区步行距离",
            (
                *(LegendItem(b, c, shape="fill") for b, (_, c) in zip(bounds, DISTANCE_CLASSES)),
                LegendItem(f"超过 {cutoff:.0f} 米", UNCOVERED_COLOR, shape="fill"),
            ),
        ),
        facility,
    ]


def _legend(city, view: WallView, layers: list[str], coverage: dict[str, CoverageResult]) -> list[LegendSection]:
    """The legend of what the view shows, counted over the view's area."""
    data = {spec.name: filter_area(city[spec.name], view.area) for spec in registry.shown() if spec.name in city}

    def legend(name):
        return lambda: [drawing.legend_section(name, data[name])]

    sections = {
        spec.name: (spec.name, legend(spec.name))
        for spec in registry.shown()
        if spec.name in data and spec.name not in parking.LAYERS
    }
    sections |= {
        "parking_sections": (
            "parking_sections",
            lambda: (
                parking.legend_sections(data["parking_lots"], data["parking_sections"])[:1]
                if view.theme == "parking"
                else [
                    LegendSection(
                        "停车",
                        (LegendItem("施划路段（颜色示施划进度）", PROGRESS_BINS[2][1], shape="line", size_px=15),),
                    )
                ]
            ),
        ),
        "parking_lots": (
            "parking_lots",
            lambda: parking.legend_sections(data["parking_lots"], data["parking_sections"])[1:],
        ),
    }
    if view.theme in coverage:
        facility = COVERAGE_THEMES[view.theme]
        return _coverage_legend(coverage[view.theme], sections[facility][1]()[0])
    # A layer with nothing in the view's area is left out of its legend.
    return [s for key in layers if key in sections and len(data[sections[key][0]]) for s in sections[key][1]()]


def _layers(view: WallView) -> list[str]:
    labels = f"street_labels_{view.district_code}" if view.district_code else "district_labels"
    if view.theme == "inspection_points":
        return ["streets", labels, "inspection_points"]
    if view.theme == "parking":
        return ["streets", labels, "parking_sections", "parking_lots"]
    if view.theme in COVERAGE_THEMES:
        return [f"{view.theme}_areas", "streets", labels, f"{view.theme}_compounds", COVERAGE_THEMES[view.theme]]
    return ["streets", labels, *(spec.name for spec in registry.shown() if spec.on_map.wall)]


def _groups(city, coverage: dict[str, CoverageResult]) -> dict[str, folium.FeatureGroup]:
    streets, districts = city["streets"], city["districts"]
    groups = {
        "streets": geojson_group(
            streets,
            name="街道",
            popup_fields={"street_name": "街道"},
            tooltip_fields={"street_name": "街道"},
            interactive=False,
            style=lambda _: dict(WALL_STREET_STYLE),
        )
    }
    # A 区 or 街道 view names the 街道 of its 区; the city views name the 区.
    labelled = [("district_labels", districts, "district_name", "cc-label-district")] + [
        (f"street_labels_{code}", part, "street_name", "cc-label-street")
        for code, part in streets.groupby("district_code")
    ]
    for key, frame, name_col, css_class in labelled:
        group = folium.FeatureGroup(name=key)
        pts = frame.to_crs("EPSG:4326").geometry.representative_point()
        NameLabels([(float(p.y), float(p.x), n) for p, n in zip(pts, frame[name_col])], css_class=css_class).add_to(
            group
        )
        groups[key] = group
    for spec in registry.shown():
        if spec.name in city and spec.name not in parking.LAYERS:
            groups[spec.name] = drawing.feature_group(spec.name, city[spec.name])
    groups["parking_sections"], groups["parking_lots"] = parking.to_feature_groups(
        city["parking_lots"], city["parking_sections"]
    )
    for key, result in coverage.items():
        groups[f"{key}_areas"] = areas_group(result.by_area(streets, "streets"), "街道", "street_name", "street_code")
        groups[f"{key}_compounds"] = compounds_group(result.compounds, result.cutoff_m)
    return groups


def build_wall_map(
    city: dict[str, gpd.GeoDataFrame],
    contents: list[ViewContent],
    coverage: dict[str, CoverageResult],
    *,
    title: str,
    badge: str,
    as_of_text: str,
    panel_css: str,
    interval_s: float,
    legend_collapsed: bool = False,
) -> folium.Map:
    """The whole wall page; ``coverage`` holds the toilet/market coverage results by theme key."""
    fmap = new_map(min_zoom=8, max_zoom=18, zoom_control=False)
    root = page_of(fmap)
    root.header.add_child(map_css())
    root.header.add_child(Element(WALL_CSS + f"<style>{panel_css}</style>"))
    badge_html = f'<span class="cc-badge">{html.escape(badge)}</span>' if badge else ""
    root.html.add_child(
        Element(
            f'<header class="cc-wall-head"><h1>{html.escape(title)}</h1>{badge_html}'
            f'<span class="cc-asof">数据日期 {html.escape(as_of_text)}</span></header>'
            '<aside class="cc-wall-side"></aside>'
        )
    )
    basemap.to_feature_group(
        city["admin_boundaries"], city["roads"], focus_adcodes=set(city["districts"]["district_code"]), dark=True
    ).add_to(fmap)
    groups = _groups(city, coverage)
    for group in groups.values():
        group.add_to(fmap)

    frame_bounds = city["districts"].to_crs("EPSG:4326").total_bounds
    views = []
    for content in contents:
        view = content.view
        layers = _layers(view)
        shape = _area_shape(city, view)
        mask, outline = _mask(shape, frame_bounds) if shape is not None else (None, None)
        bounds = (
            [[shape.bounds[1], shape.bounds[0]], [shape.bounds[3], shape.bounds[2]]]
            if shape is not None
            else _bounds(city["districts"])
        )
        views.append(
            {
                "title_html": _title_html(view.title, content.headline, content.note),
                "legend_html": compact_legend_html(_legend(city, view, layers, coverage)),
                "panel_html": content.panel_html,
                "bounds": bounds,
                "layers": layers,
                "mask": mask,
                "outline": outline,
            }
        )
    Carousel(
        {k: g.get_name() for k, g in groups.items()}, views, int(interval_s * 1000), collapsed=legend_collapsed
    ).add_to(fmap)
    assert_offline(fmap)
    return fmap
