"""Press-ready export from the browser: a north arrow, and a button that saves the current map
view as a PNG at 2× or 3× with everything drawn on the map (title, legend, date, scale bar,
north arrow, source note), using html-to-image served by the app itself.
"""

from __future__ import annotations

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from chuangcheng.layers.assets import HTML_TO_IMAGE_JS

NORTH_ARROW_SVG = (
    '<svg width="34" height="48" viewBox="0 0 34 48" xmlns="http://www.w3.org/2000/svg">'
    '<text x="17" y="12" text-anchor="middle" font-size="12" font-weight="700" fill="#222">N</text>'
    '<polygon points="17,14 27,44 17,37 7,44" fill="#222"/>'
    '<polygon points="17,14 17,37 7,44" fill="#fff" stroke="#222" stroke-width="1"/></svg>'
)


class NorthArrow(MacroElement):
    """A north arrow (web maps here are north-up)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var ctl = L.control({position: "bottomleft"});
            ctl.onAdd = function () {
                var div = L.DomUtil.create("div", "cc-north");
                div.innerHTML = {{ this.svg|tojson }};
                return div;
            };
            ctl.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "NorthArrow"
        self.svg = NORTH_ARROW_SVG


class ExportControl(JSCSSMixin, MacroElement):
    """Buttons 导出图片 2× / 3×; ``window.ccExportPng(ratio)`` returns the PNG as a data URL.

    The layer-switch and zoom buttons are left out of the image; everything else on the map is
    in it. ``file_stem`` names the downloaded file (the date is appended).
    """

    default_js = [HTML_TO_IMAGE_JS]
    default_css: list = []
    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            function skip(node) {
                var c = node.classList;
                return !(c && (c.contains("leaflet-control-zoom") || c.contains("leaflet-control-layers")
                               || c.contains("cc-export")));
            }
            window.ccExportPng = function (ratio) {
                var el = map.getContainer();
                return htmlToImage.toPng(el, {pixelRatio: ratio, filter: skip, cacheBust: false,
                                              backgroundColor: getComputedStyle(el).backgroundColor});
            };
            var ctl = L.control({position: "topright"});
            ctl.onAdd = function () {
                var div = L.DomUtil.create("div", "cc-export leaflet-bar");
                [2, 3].forEach(function (ratio) {
                    var a = L.DomUtil.create("a", "cc-export-btn", div);
                    a.href = "#"; a.title = "导出当前地图为 PNG（" + ratio + " 倍清晰度）";
                    a.textContent = "导出 " + ratio + "×";
                    L.DomEvent.on(a, "click", function (e) {
                        L.DomEvent.preventDefault(e); L.DomEvent.stopPropagation(e);
                        window.ccExportPng(ratio).then(function (url) {
                            var link = document.createElement("a");
                            var d = new Date();
                            var stamp = d.getFullYear() + String(d.getMonth() + 1).padStart(2, "0")
                                + String(d.getDate()).padStart(2, "0");
                            link.download = {{ this.file_stem|tojson }} + "_" + stamp + "_" + ratio + "x.png";
                            link.href = url; document.body.appendChild(link); link.click(); link.remove();
                        });
                    });
                });
                return div;
            };
            ctl.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, file_stem: str = "创城作战图"):
        super().__init__()
        self._name = "ExportControl"
        self.file_stem = file_stem
