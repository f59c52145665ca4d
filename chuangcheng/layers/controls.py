"""Small Leaflet controls written for this map: legend, title, name labels, zoom visibility.

They are Leaflet controls/layers (not Streamlit widgets) so that a screenshot or an export of
the map carries them. All text is HTML-escaped here, in Python, before it reaches the page.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from jinja2 import Template


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a symbol (``circle``, ``line``, ``outline``, ``fill``) and its label."""

    label: str
    color: str
    shape: str = "circle"
    size_px: int = 12
    stroke: str | None = None
    dashed: bool = False


@dataclass(frozen=True)
class LegendSection:
    title: str
    items: tuple[LegendItem, ...]


def _symbol_html(item: LegendItem) -> str:
    color = html.escape(item.color)
    stroke = html.escape(item.stroke or "#ffffff")
    size = int(item.size_px)
    if item.shape == "line":
        style = "dashed" if item.dashed else "solid"
        return (
            f'<span class="cc-sym" style="width:26px;height:0;border-top:{max(2, size // 3)}px '
            f'{style} {color};display:inline-block;vertical-align:middle"></span>'
        )
    if item.shape == "outline":
        style = "dashed" if item.dashed else "solid"
        return (
            f'<span class="cc-sym" style="width:20px;height:14px;border:2px {style} {color};'
            f'display:inline-block;vertical-align:middle"></span>'
        )
    if item.shape == "fill":
        return (
            f'<span class="cc-sym" style="width:20px;height:14px;background:{color};'
            f'border:1px solid {stroke};display:inline-block;vertical-align:middle"></span>'
        )
    return (
        f'<span class="cc-sym" style="width:{size}px;height:{size}px;border-radius:50%;'
        f"background:{color};border:2px solid {stroke};display:inline-block;"
        f'vertical-align:middle"></span>'
    )


def legend_html(sections: list[LegendSection], footer: str = "") -> str:
    """The legend's inner HTML; every label is escaped."""
    parts = []
    for section in sections:
        rows = "".join(
            f'<div class="cc-row">{_symbol_html(i)}<span>{html.escape(i.label)}</span></div>' for i in section.items
        )
        parts.append(f'<div class="cc-sec"><div class="cc-sec-title">{html.escape(section.title)}</div>{rows}</div>')
    foot = f'<div class="cc-foot">{html.escape(footer)}</div>' if footer else ""
    # The button shows only on a narrow map (a phone), where the legend starts folded.
    return (
        f'<button type="button" class="cc-legend-toggle">图例</button>'
        f'<div class="cc-legend-body">{"".join(parts)}</div>{foot}'
    )


def compact_legend_html(sections: list[LegendSection]) -> str:
    """A legend for the wall screen: one wrapping line per section, its title cut at the first
    "（" (the counts are in the items); every label is escaped."""
    rows = []
    for section in sections:
        items = "".join(f'<span class="cc-li">{_symbol_html(i)}{html.escape(i.label)}</span>' for i in section.items)
        rows.append(f'<div class="cc-lrow"><b>{html.escape(section.title.split("（")[0])}</b>{items}</div>')
    return "".join(rows)


class HtmlControl(MacroElement):
    """A Leaflet control holding fixed, already-escaped HTML (legend, title block)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
            div.innerHTML = {{ this.inner_html|tojson }};
            div.querySelectorAll(".cc-legend-toggle").forEach(function (b) {
                b.onclick = function () { div.classList.toggle("cc-open"); };
            });
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, inner_html: str, *, position: str = "bottomright", css_class: str = "cc-control"):
        super().__init__()
        self._name = "HtmlControl"
        self.inner_html = inner_html
        self.position = position
        self.css_class = css_class


def legend_control(sections: list[LegendSection], footer: str = "") -> HtmlControl:
    return HtmlControl(legend_html(sections, footer), position="bottomright", css_class="cc-control cc-legend")


def title_control(title: str, subtitle: str = "") -> HtmlControl:
    sub = f'<div class="cc-subtitle">{html.escape(subtitle)}</div>' if subtitle else ""
    return HtmlControl(
        f'<div class="cc-title">{html.escape(title)}</div>{sub}',
        position="topleft",
        css_class="cc-control cc-title-box",
    )


class NameLabels(MacroElement):
    """Permanent text labels at given points (e.g. 街道 names), drawn as one L.layerGroup.

    ``labels`` are ``(lat, lon, text)``; texts are escaped before they reach the page.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {{ this.labels_json }}.forEach(function (p) {
            L.marker([p[0], p[1]], {
                interactive: false, keyboard: false,
                icon: L.divIcon({className: {{ this.css_class|tojson }}, html: p[2],
                                 iconSize: null})
            }).addTo({{ this.get_name() }});
        });
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, labels: list[tuple[float, float, str]], *, css_class: str):
        super().__init__()
        self._name = "NameLabels"
        safe = [[round(lat, 6), round(lon, 6), f"<span>{html.escape(text)}</span>"] for lat, lon, text in labels]
        self.labels_json = json.dumps(safe, ensure_ascii=False).replace("</", "<\\/")
        self.css_class = css_class


class ZoomVisibility(MacroElement):
    """Shows a layer only from a zoom level on; a layer the user switched off stays off."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this.map_name }};
            var layer = {{ this.layer_name }};
            var minZoom = {{ this.min_zoom }};
            var autoHidden = false;
            function update() {
                var z = map.getZoom();
                if (z < minZoom && map.hasLayer(layer)) { map.removeLayer(layer); autoHidden = true; }
                else if (z >= minZoom && autoHidden) { map.addLayer(layer); autoHidden = false; }
            }
            map.on('zoomend', update);
            map.whenReady(update);
        })();
        {% endmacro %}
    """)

    def __init__(self, fmap: folium.Map, layer: folium.FeatureGroup, min_zoom: int):
        super().__init__()
        self._name = "ZoomVisibility"
        self.map_name = fmap.get_name()
        self.layer_name = layer.get_name()
        self.min_zoom = int(min_zoom)


class FitArea(MacroElement):
    """Fit the map to ``bounds`` ([[south, west], [north, east]]) leaving room for the title box
    (top left) and, on a wide map, the legend (right); on a phone-width map the legend is folded,
    so the area takes the whole width."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var wide = map.getSize().x > {{ this.narrow_px }};
            map.fitBounds({{ this.bounds }}, {paddingTopLeft: [10, wide ? 90 : 60],
                paddingBottomRight: [wide ? {{ this.legend_px }} : 10, 10]});
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, bounds: list[list[float]], *, legend_px: int, narrow_px: int = 640):
        super().__init__()
        self._name = "FitArea"
        self.bounds = json.dumps(bounds)
        self.legend_px = int(legend_px)
        self.narrow_px = int(narrow_px)


class MetricScale(MacroElement):
    """A metric-only scale bar (folium's adds miles, which nobody here reads)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, position: "bottomleft",
                         maxWidth: 160}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"
