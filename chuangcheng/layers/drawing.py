"""Which module draws each layer the registry shows, asked by the 作战挂图, the wall and the poster.

公厕, 农贸市场 and 测评点位 have modules of their own (a ring for 旱厕, a larger failing point…);
the two 停车 layers are drawn together by ``parking``; every other shown layer by ``facilities``.
"""

from __future__ import annotations

import folium
import geopandas as gpd

from chuangcheng.layers import facilities, inspection_points, markets, public_toilets
from chuangcheng.layers.controls import LegendSection
from chuangcheng.layers.geojson import DisplayShift

OWN_MODULES = {m.KEY: m for m in (public_toilets, markets, inspection_points)}


def feature_group(layer: str, frame: gpd.GeoDataFrame, *, shift: DisplayShift | None = None) -> folium.FeatureGroup:
    """The layer (not one of the 停车 pair) as one switchable map layer."""
    module = OWN_MODULES.get(layer)
    if module is not None:
        return module.to_feature_group(frame, shift=shift)
    return facilities.to_feature_group(layer, frame, shift=shift)


def legend_section(layer: str, frame: gpd.GeoDataFrame) -> LegendSection:
    """The layer's legend, counted over ``frame``."""
    module = OWN_MODULES.get(layer)
    return module.legend_section(frame) if module is not None else facilities.legend_section(layer, frame)
