"""The border between GeoDataFrames and the browser: one GeoJSON FeatureCollection per layer.

Everything that reaches Leaflet passes through :func:`to_feature_collection`: it reprojects to
EPSG:4326, drops empty geometries, applies the basemap's display shift (WGS84 → GCJ-02 on 高德
tiles), rounds coordinates to 1e-6° (~0.1 m, plenty for display and a third of the bytes) and
HTML-escapes every string, because folium's tooltips and popups insert property values with
``innerHTML``.
"""

from __future__ import annotations

import html
import math
from typing import Any, Callable, Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from chuangcheng.geo.coords import transform_geometries

DisplayShift = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
COORD_DECIMALS = 6


def escape_value(value):
    """A JSON-safe, HTML-escaped property value (strings escaped; NaN/None → None)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, (int,)):
        return value
    if value is pd.NA or value is pd.NaT:
        return None
    return html.escape(str(value), quote=True)


def to_feature_collection(
    gdf: gpd.GeoDataFrame, fields: Iterable[str], *, shift: DisplayShift | None = None, decimals: int = COORD_DECIMALS
) -> dict:
    """A GeoJSON FeatureCollection (EPSG:4326 degrees) with only ``fields`` as properties."""
    fields = list(fields)
    missing = [f for f in fields if f not in gdf.columns]
    if missing:
        raise KeyError(f"图层缺少字段：{', '.join(missing)}")
    frame = gdf if gdf.crs is None or gdf.crs.to_epsg() == 4326 else gdf.to_crs("EPSG:4326")
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    geoms = frame.geometry.values
    if shift is not None:
        geoms = transform_geometries(np.asarray(geoms, dtype=object), shift)
    geoms = shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.round(xy, decimals))
    features = []
    columns = [frame[f].tolist() for f in fields]
    for i, geom in enumerate(geoms):
        features.append(
            {
                "type": "Feature",
                "properties": {f: escape_value(col[i]) for f, col in zip(fields, columns)},
                "geometry": shapely.geometry.mapping(geom),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_group(
    gdf: gpd.GeoDataFrame,
    *,
    name: str,
    popup_fields: dict[str, str],
    tooltip_fields: dict[str, str],
    style: Callable[[dict], dict],
    marker=None,
    shift: DisplayShift | None = None,
    show: bool = True,
    interactive: bool = True,
    extra_fields: Iterable[str] = (),
):
    """One switchable layer: a FeatureGroup holding a single GeoJSON layer.

    ``popup_fields`` / ``tooltip_fields`` map property names to their Chinese labels;
    ``style`` maps a GeoJSON feature to Leaflet path options; ``extra_fields`` are carried
    for the style only.
    """
    import folium

    fields = list(dict.fromkeys([*popup_fields, *tooltip_fields, *extra_fields]))
    data = to_feature_collection(gdf, fields, shift=shift)
    group = folium.FeatureGroup(name=name, show=show)
    if not data["features"]:
        return group
    kwargs: dict[str, Any] = {}
    if interactive:
        kwargs["tooltip"] = folium.GeoJsonTooltip(
            fields=list(tooltip_fields), aliases=[html.escape(a) for a in tooltip_fields.values()], sticky=True
        )
        kwargs["popup"] = folium.GeoJsonPopup(
            fields=list(popup_fields), aliases=[html.escape(a) for a in popup_fields.values()], max_width=420
        )
    folium.GeoJson(
        data,
        name=name,
        style_function=style,
        marker=marker,
        highlight_function=(lambda _: {"weight": 4, "color": "#000000"}) if interactive else None,
        interactive=interactive,
        zoom_on_click=False,
        **kwargs,
    ).add_to(group)
    return group
