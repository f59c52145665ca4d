"""Offline front-end assets: every script and stylesheet the map needs comes from the app.

folium's default page pulls Leaflet, jQuery, Bootstrap and icon fonts from public CDNs, which a
government intranet cannot reach. The map made here declares only Leaflet, from the copy that
``scripts/setup.sh`` takes from the npm registry and puts under ``static/vendor`` (Streamlit
serves ``./static`` at ``/app/static``). streamlit-folium loads exactly the ``default_js`` /
``default_css`` declared on the elements, so :func:`remote_assets` can prove the page is local.
"""

from __future__ import annotations

from pathlib import Path

import branca
import folium
from folium.elements import JSCSSMixin

from chuangcheng.paths import STATIC_DIR

VENDOR_DIR = STATIC_DIR / "vendor"
STATIC_URL = "/app/static"

LEAFLET_JS = ("leaflet", f"{STATIC_URL}/vendor/leaflet/leaflet.js")
LEAFLET_CSS = ("leaflet_css", f"{STATIC_URL}/vendor/leaflet/leaflet.css")
HTML_TO_IMAGE_JS = ("html_to_image", f"{STATIC_URL}/vendor/html-to-image/html-to-image.js")
REQUIRED_VENDOR_FILES = (
    "leaflet/leaflet.js",
    "leaflet/leaflet.css",
    "leaflet/images/layers.png",
    "html-to-image/html-to-image.js",
)


class OfflineAssetError(RuntimeError):
    """The map would load something from outside the app."""


def missing_vendor_files(vendor_dir: Path = VENDOR_DIR) -> list[str]:
    """Vendor files the map needs that are not on disk (run ``scripts/setup.sh``)."""
    return [rel for rel in REQUIRED_VENDOR_FILES if not (vendor_dir / rel).is_file()]


def page_of(fmap: folium.Map) -> branca.element.Figure:
    """The HTML page a map is drawn in (its header and body take our CSS and elements)."""
    root = fmap.get_root()
    assert isinstance(root, branca.element.Figure)
    return root


def new_map(**options) -> folium.Map:
    """A folium map with no tiles, a canvas renderer and only local Leaflet assets.

    ``options`` are passed to :class:`folium.Map` (``location``, ``zoom_start`` ...).
    """
    options = {"zoom_snap": 0.25, "zoom_delta": 0.5, **options}
    fmap = folium.Map(tiles=None, prefer_canvas=True, control_scale=False, attribution_control=False, **options)
    # Instance attributes shadow folium's CDN lists; streamlit-folium reads them per element.
    fmap.default_js = [LEAFLET_JS]
    fmap.default_css = [LEAFLET_CSS]
    return fmap


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def remote_assets(fmap: folium.Map) -> list[str]:
    """URLs the map would load from anywhere but the app itself (empty when offline-safe)."""
    remote = []
    for element in _walk(fmap):
        if isinstance(element, branca.colormap.ColorMap):
            remote.append("d3.js (branca 颜色条会让 streamlit-folium 从 CDN 加载 d3)")
        if isinstance(element, JSCSSMixin):
            for _, url in list(element.default_js) + list(element.default_css):
                if not url.startswith("/"):
                    remote.append(url)
    return remote


def assert_offline(fmap: folium.Map) -> None:
    """Raise :class:`OfflineAssetError` if the map would fetch a remote script or style."""
    remote = remote_assets(fmap)
    if remote:
        raise OfflineAssetError(
            "地图会从外部加载资源，内网中将无法显示：" + "；".join(remote) + "。请改用 layers/assets.py 中的本地资源。"
        )
