"""Colours, sizes and the map's CSS, in one place so every layer and export agrees.

Red means "needs action" everywhere (不达标, 0 % painted, 未改造 is brown to stay apart from it);
sizes are chosen to be readable on a wall screen from 5 m.
"""

from __future__ import annotations

from typing import Any

from branca.element import Element

RESULT_COLORS = {"达标": "#1a9850", "不达标": "#d73027", "未测评": "#8c8c8c"}
TOILET_COLORS = {"固定公厕": "#2166ac", "移动公厕": "#4eb3d3", "共享卫生间": "#7b3294"}
DRY_TOILET_STROKE = "#ff7f00"
MARKET_COLORS = {"已改造": "#00897b", "改造中": "#ffb300", "未改造": "#6d4c41"}
PARKING_LOT_COLOR = "#37474f"
# 达标率 bands for rankings and charts (a display convention, not a standard): (lowest rate,
# colour, label), highest first; the first band the rate reaches wins.
PASS_RATE_BANDS = (
    (0.8, "#1a9850", "80% 及以上"),
    (0.6, "#fdae61", "60%–79%"),
    (0.0, "#d73027", "低于 60%"),
)
# (upper bound of painted/planned, colour, label); the first bound the ratio is below wins.
PROGRESS_BINS = (
    (0.0, "#d73027", "未施划 0%"),
    (0.3, "#fc8d59", "1%–29%"),
    (0.7, "#fee08b", "30%–69%"),
    (1.0, "#91cf60", "70%–99%"),
    (float("inf"), "#1a9850", "已完成 100%"),
)
HIERARCHY_STYLE: dict[str, dict[str, Any]] = {
    "street": {"color": "#283593", "weight": 3.5, "dashArray": None},
    "community": {"color": "#3f51b5", "weight": 1.8, "dashArray": "6 4"},
    "grid": {"color": "#7986cb", "weight": 0.9, "dashArray": "2 3"},
}
BASEMAP_BACKGROUND = "#e4e0d6"
ROAD_STYLE: dict[str, dict[str, Any]] = {
    "primary": {"color": "#b8ad98", "weight": 3.5},
    "secondary": {"color": "#c9c0ad", "weight": 2.4},
    "residential": {"color": "#d6cfc0", "weight": 1.2},
    "living_street": {"color": "#d6cfc0", "weight": 1.0},
    "unclassified": {"color": "#d9d3c6", "weight": 1.0},
}

# The wall screen's dark basemap: the city's own outlines and roads on a night palette, so the
# data's colours carry the map from across a room.
WALL_BACKGROUND = "#07111c"
WALL_ADMIN_STYLE = {
    "city": {"color": "#8aa1b8", "weight": 2, "dashArray": "8 6", "fill": False},
    "focus": {"color": "#5b7a9c", "weight": 2.5, "fill": True, "fillColor": "#11243a", "fillOpacity": 1.0},
    "other": {"color": "#34485e", "weight": 1.2, "fill": True, "fillColor": "#0b1826", "fillOpacity": 1.0},
}
WALL_STREET_STYLE = {"color": "#7986cb", "weight": 2.2, "fill": False}
WALL_ROAD_STYLE: dict[str, dict[str, Any]] = {
    "primary": {"color": "#4d6785", "weight": 3.2},
    "secondary": {"color": "#3d5570", "weight": 2.2},
    "residential": {"color": "#2b4058", "weight": 1.1},
    "living_street": {"color": "#2b4058", "weight": 1.0},
    "unclassified": {"color": "#283c52", "weight": 1.0},
}


def progress_color(painted: float, planned: float) -> str:
    """Colour of a parking section by its painted/planned share."""
    ratio = painted / planned if planned else 0.0
    if ratio <= 0:
        return PROGRESS_BINS[0][1]
    if ratio >= 1:
        return PROGRESS_BINS[-1][1]
    for bound, color, _ in PROGRESS_BINS[1:]:
        if ratio < bound:
            return color
    return PROGRESS_BINS[-1][1]


FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", '
    '"Microsoft YaHei", "PingFang SC", sans-serif'
)

MAP_CSS = f"""
<style>
.leaflet-container {{ background: {BASEMAP_BACKGROUND}; font-family: {FONT_STACK}; }}
.leaflet-container .leaflet-control-attribution {{ display: none; }}
.cc-control {{ background: rgba(255,255,255,0.94); border-radius: 6px; padding: 8px 12px;
  box-shadow: 0 1px 6px rgba(0,0,0,0.3); color: #1f2933; font-family: {FONT_STACK}; }}
.cc-legend {{ font-size: 13px; line-height: 1.4; max-height: 86vh; overflow-y: auto; }}
.cc-legend .cc-sec {{ break-inside: avoid; }}
.cc-legend .cc-sym {{ flex: none; }}
.cc-legend .cc-sec {{ margin-bottom: 6px; }}
.cc-legend .cc-sec-title {{ font-weight: 700; font-size: 14px; margin-bottom: 2px; }}
.cc-legend .cc-row {{ display: flex; align-items: center; gap: 8px; }}
.cc-legend .cc-foot {{ margin-top: 4px; font-size: 12px; color: #5f6b7a; }}
.cc-legend-toggle {{ display: none; }}
@media (max-width: 640px) {{
  .cc-legend-toggle {{ display: block; font: inherit; font-weight: 700; font-size: 15px; min-height: 40px;
    min-width: 64px; border: 0; background: none; color: #b71c1c; cursor: pointer; }}
  .cc-legend:not(.cc-open) .cc-legend-body, .cc-legend:not(.cc-open) .cc-foot {{ display: none; }}
  .cc-legend.cc-open {{ max-height: 60vh; }}
  .cc-title-box .cc-title {{ font-size: 15px; }}
  .cc-title-box .cc-subtitle {{ display: none; }}
}}
.cc-title-box .cc-title {{ font-size: 19px; font-weight: 800; color: #b71c1c; }}
.cc-title-box .cc-subtitle {{ font-size: 12px; color: #3e4c59; }}
.cc-label-street span {{ font-size: 16px; font-weight: 700; color: #1a237e; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; }}
.cc-label-community span {{ font-size: 12px; color: #303f9f; white-space: nowrap;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff; }}
.cc-label-district span {{ font-size: 20px; font-weight: 800; color: #5d4037; white-space: nowrap;
  letter-spacing: 4px; text-shadow: 0 0 3px #fff, 0 0 3px #fff; }}
.cc-label-street span, .cc-label-community span, .cc-label-district span,
.cc-label-site span {{ display: inline-block;
  transform: translate(-50%, -50%); }}
.cc-label-site span {{ font-size: 14px; font-weight: 800; color: #ffffff; }}
.leaflet-tooltip, .leaflet-popup-content {{ font-family: {FONT_STACK}; font-size: 14px; }}
.leaflet-popup-content table th {{ text-align: left; padding-right: 8px; color: #52606d; }}
.leaflet-control-layers {{ font-size: 14px; }}
.cc-north {{ background: rgba(255,255,255,0.85); border-radius: 4px; padding: 2px 4px; }}
.cc-tiles-failed {{ background: #fff3e0; color: #8d3b00; border: 1px solid #ffb74d; border-radius: 4px;
  padding: 6px 10px; font-size: 14px; font-weight: 600; max-width: 360px; }}
.cc-export a.cc-export-btn {{ width: auto; padding: 0 8px; font-size: 13px; font-weight: 600;
  font-family: {FONT_STACK}; white-space: nowrap; }}
</style>
"""


def map_css() -> Element:
    """The map's stylesheet as an element for the page header."""
    return Element(MAP_CSS)


# Records whose category is empty or unknown (e.g. imported without a type): counted, in grey.
UNCLASSIFIED_COLOR = "#9e9e9e"
# A shown layer's colours by the values of its ``color_field`` (registry.Show), keyed by the
# layer's name; a layer without an entry draws in SINGLE_COLOR.
CATEGORY_COLORS: dict[str, dict[str, str]] = {
    "public_toilets": TOILET_COLORS,
    "markets": MARKET_COLORS,
    "inspection_points": RESULT_COLORS,
    "parking_lots": {},
}
SINGLE_COLOR = "#455a64"
# Point sizes on posters (matplotlib marker area in pt², at A4) and edge colour, by layer.
POSTER_MARKERS: dict[str, tuple[float, str | None]] = {
    "public_toilets": (5, None),
    "markets": (40, "black"),
    "inspection_points": (22, "white"),
}
DEFAULT_POSTER_MARKER = (14, "white")


def pass_rate_color(rate: float) -> str:
    """The colour of a 达标率 (0–1) by ``PASS_RATE_BANDS``."""
    return next(color for lowest, color, _ in PASS_RATE_BANDS if rate >= lowest)
