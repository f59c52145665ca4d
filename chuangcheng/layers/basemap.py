"""The offline vector basemap: the city's own administrative outlines and roads.

With no tiles at all (the intranet default) this is what makes the map readable. On an online
basemap only the outlines are drawn, as the tiles carry the roads.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from chuangcheng.layers.controls import NameLabels
from chuangcheng.layers.geojson import DisplayShift, to_feature_collection
from chuangcheng.layers.style import ROAD_STYLE, WALL_ADMIN_STYLE, WALL_ROAD_STYLE

KEY = "basemap"
TITLE = "底图：行政区划与道路"


def _admin_style(focus_adcodes: set[str], *, fill: bool = True, dark: bool = False):
    """Outline style; over tiles (``fill=False``) the districts are outlines only; ``dark`` is
    the wall screen's night palette."""

    def fn(feature: dict) -> dict:
        props = feature["properties"]
        if dark:
            key = (
                "city" if props.get("level") == "city" else "focus" if props.get("adcode") in focus_adcodes else "other"
            )
            return dict(WALL_ADMIN_STYLE[key])
        if props.get("level") == "city":
            return {"color": "#6d5d4b", "weight": 2, "dashArray": "8 6", "fill": False}
        focus = props.get("adcode") in focus_adcodes
        return {
            "color": "#5d4037" if focus else "#9e9184",
            "weight": 4 if focus else 1.5,
            "fill": fill,
            "fillColor": "#f8f6f1" if focus else "#ddd8cc",
            "fillOpacity": 1.0 if focus else 0.6,
        }

    return fn


def _road_style(styles: dict = ROAD_STYLE):
    def fn(feature: dict) -> dict:
        style = styles.get(feature["properties"].get("highway"), styles["residential"])
        return {"color": style["color"], "weight": style["weight"], "opacity": 1.0}

    return fn


def to_feature_group(
    admin: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame | None,
    *,
    focus_adcodes,
    shift: DisplayShift | None = None,
    fill_districts: bool = True,
    dark: bool = False,
) -> folium.FeatureGroup:
    """Outlines of the city and its districts (the ``focus_adcodes`` districts highlighted),
    roads, and the other districts' names; ``dark`` draws it in the wall screen's night palette."""
    focus_adcodes = {focus_adcodes} if isinstance(focus_adcodes, str) else set(focus_adcodes)
    group = folium.FeatureGroup(name=TITLE, show=True)
    folium.GeoJson(
        to_feature_collection(admin, ["adcode", "name", "level"], shift=shift),
        style_function=_admin_style(focus_adcodes, fill=fill_districts, dark=dark),
        interactive=False,
    ).add_to(group)
    if roads is not None and len(roads):
        folium.GeoJson(
            to_feature_collection(roads, ["highway"], shift=shift),
            style_function=_road_style(WALL_ROAD_STYLE if dark else ROAD_STYLE),
            interactive=False,
        ).add_to(group)
    districts = admin[admin["level"] == "district"].to_crs("EPSG:4326")
    points = districts.geometry.representative_point()
    lon, lat = points.x.to_numpy(), points.y.to_numpy()
    if shift is not None:
        lon, lat = shift(lon, lat)
    labels = [
        (float(la), float(lo), str(n))
        for lo, la, n, code in zip(lon, lat, districts["name"], districts["adcode"])
        if code not in focus_adcodes
    ]
    if labels:
        NameLabels(labels, css_class="cc-label-district").add_to(group)
    return group


def roads_fallback_group(roads: gpd.GeoDataFrame, *, shift: DisplayShift | None = None) -> folium.FeatureGroup:
    """The offline basemap's roads, defined in the page but not shown: an online basemap whose
    tiles cannot load falls back to them (``layers.tiles.fall_back_when_tiles_fail``)."""
    group = folium.FeatureGroup(name=f"{TITLE}（备用）", show=False, control=False)
    if len(roads):
        folium.GeoJson(
            to_feature_collection(roads, ["highway"], shift=shift), style_function=_road_style(), interactive=False
        ).add_to(group)
    return group
