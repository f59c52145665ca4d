"""Press exports from the server: map posters (PNG at 300 dpi and PDF, A4/A3, portrait or
landscape) and progress charts (PNG), in Chinese with an embedded CJK font.

Drawn with matplotlib in the local metric CRS (so the scale bar is true), with title, subtitle,
legend, scale bar, north arrow, date, source note and the generated-data label. Every text is
drawn as typed (no mathtext: a ``$`` in a title is a dollar sign). The font is
Noto Sans CJK SC (Debian's ``fonts-noto-cjk``, SIL OFL), which ``scripts/setup.sh`` installs;
if it is missing the export stops with a message instead of printing boxes.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import font_manager, rcParams
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle

from chuangcheng import registry
from chuangcheng.geo.crs import local_metric_crs
from chuangcheng.layers import parking
from chuangcheng.layers.coverage import DISTANCE_CLASSES, UNCOVERED_COLOR, distance_color
from chuangcheng.layers.facilities import colors as layer_colors
from chuangcheng.layers.style import (
    DEFAULT_POSTER_MARKER,
    HIERARCHY_STYLE,
    PARKING_LOT_COLOR,
    POSTER_MARKERS,
    PROGRESS_BINS,
    ROAD_STYLE,
    SINGLE_COLOR,
    pass_rate_color,
    progress_color,
)

FONT_FAMILY = "Noto Sans CJK SC"
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
PAPER_MM = {"A4": (210, 297), "A3": (297, 420)}
DPI = 300


# rcParams are one per process and Streamlit serves every session on its own thread: one drawing
# at a time, so one user's poster never reads another's half-set parameters.
_DRAWING = threading.RLock()


def new_figure(width_in: float, height_in: float, dpi: float) -> Figure:
    """A figure with its own Agg canvas, outside pyplot: Streamlit calls ``pyplot.close("all")``
    whenever any session's script ends, which would strip a pyplot figure of its canvas halfway
    through another user's poster."""
    fig = Figure(figsize=(width_in, height_in), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def literal_text(draw):
    """Draw with every text shown as typed: a title such as “奖励 $5$ 元” is not mathtext."""

    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        # Only this key is restored: rc_context would also undo use_cjk_font's settings,
        # which the PDF writer reads later, at save time.
        with _DRAWING:
            before = rcParams["text.parse_math"]
            rcParams["text.parse_math"] = False  # read when each Text is created
            try:
                return draw(*args, **kwargs)
            finally:
                rcParams["text.parse_math"] = before

    return drawn


class FontMissingError(RuntimeError):
    """No CJK font: Chinese would print as boxes."""


def use_cjk_font() -> str:
    """Register the CJK font with matplotlib (a stale font cache would silently fall back)."""
    found = [p for p in FONT_FILES if Path(p).is_file()]
    if not found:
        raise FontMissingError(
            "未找到中文字体 Noto Sans CJK（Debian 软件包 fonts-noto-cjk）。"
            "请运行 scripts/setup.sh 或 sudo apt-get install fonts-noto-cjk 后重试。"
        )
    for path in found:
        font_manager.fontManager.addfont(path)
    rcParams["font.family"] = FONT_FAMILY
    rcParams["pdf.fonttype"] = 42  # embed the font itself, not outlines as Type 3
    rcParams["axes.unicode_minus"] = False
    return FONT_FAMILY


@dataclass(frozen=True)
class Paper:
    """A poster size: page in inches, dots per inch, and how much larger text is than on A4
    (a WeChat image is read on a phone, shrunk to a third)."""

    title: str
    width_in: float
    height_in: float
    dpi: int
    text_scale: float


def paper(name: str, landscape: bool) -> Paper:
    """ "A4"/"A3" at 300 dpi in either orientation, or "wechat": 1080 × 1620 px (2:3), for 公众号/朋友圈."""
    if name == "wechat":
        return Paper("微信 1080 像素", 1080 / 150, 1620 / 150, 150, 1.4)
    w, h = (v / 25.4 for v in PAPER_MM[name])
    if landscape:
        w, h = h, w
    return Paper(f"{name}{'横向' if landscape else '纵向'}", w, h, DPI, 1.0 if name == "A4" else 1.41)


@dataclass(frozen=True)
class KeyFigure:
    """One figure printed beside the map: its value, what it is, and how it is counted."""

    label: str
    value: str
    definition: str


@dataclass(frozen=True)
class CoverageLayer:
    """A coverage poster's subject: compounds with ``distance_m``/``covered`` (walk to the
    nearest facility), the facilities, and the threshold with its source."""

    compounds: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    cutoff_m: float
    facility_title: str
    source_text: str


@dataclass(frozen=True)
class PosterSpec:
    title: str
    subtitle: str
    paper: str = "A3"  # "A4", "A3" or "wechat"
    landscape: bool = True  # ignored for "wechat" (always portrait)
    layers: tuple[str, ...] = ("grids", "parking", "public_toilets", "markets", "inspection_points")
    date_text: str = ""
    source_note: str = ""
    generated_label: str = ""  # shown prominently when the data is generated
    figures: tuple[KeyFigure, ...] = ()
    map_approval: str = ""  # 审图号; without one the poster says its boundaries are schematic
    coverage: CoverageLayer | None = None  # a coverage poster instead of the mission layers

    def page(self) -> Paper:
        return paper(self.paper, self.landscape and self.paper != "wechat")

    def size_in(self) -> tuple[float, float]:
        page = self.page()
        return page.width_in, page.height_in


SCHEMATIC_NOTE = "本图为示意图，边界不作为权属争议依据"


def _scale_bar(ax, length_m: float, x0: float, y0: float, height: float, k: float) -> None:
    segments = 4
    for i in range(segments):
        ax.add_patch(
            Rectangle(
                (x0 + i * length_m / segments, y0),
                length_m / segments,
                height,
                facecolor="#222222" if i % 2 == 0 else "#ffffff",
                edgecolor="#222222",
                linewidth=0.6,
                zorder=20,
            )
        )
    label = f"{length_m / 1000:g} 千米" if length_m >= 1000 else f"{length_m:g} 米"
    ax.text(x0 + length_m / 2, y0 + height * 1.8, label, ha="center", va="bottom", fontsize=9 * k, zorder=20)
    ax.text(x0, y0 - height * 0.8, "0", ha="center", va="top", fontsize=7 * k, zorder=20)


def _plot_shown(ax, gdf: gpd.GeoDataFrame, spec: registry.Layer, k: float, zorder: int) -> list:
    """A layer the registry shows, as points coloured by its category (or in one colour);
    returns legend handles with the counts."""
    show = spec.on_map
    palette = layer_colors(spec.name) if show.color_field else {}
    size, edge = POSTER_MARKERS.get(spec.name, DEFAULT_POSTER_MARKER)
    size *= k
    handles = []
    for value, color in palette.items() if palette else [(None, SINGLE_COLOR)]:
        sub = gdf if value is None else gdf[gdf[show.color_field] == value]
        if len(sub):
            sub.plot(
                ax=ax,
                color=color,
                markersize=size,
                edgecolor=edge or color,
                linewidth=0.7 if edge else 0,
                zorder=zorder,
            )
        label = show.short_title if value is None else show.legend_label.format(title=show.short_title, value=value)
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=color,
                markeredgecolor=edge or color,
                markersize=max(4, size**0.5),
                label=f"{label}（{len(sub)}）",
            )
        )
    return handles


def _nice_length(span_m: float) -> float:
    target = span_m / 5
    exp = 10 ** np.floor(np.log10(target))
    return float(max(m * exp for m in (1, 2, 5) if m * exp <= target))


def _north_arrow(ax, x: float, y: float, size: float, k: float) -> None:
    ax.add_patch(
        FancyArrow(
            x,
            y,
            0,
            size,
            width=size * 0.25,
            head_width=size * 0.55,
            head_length=size * 0.45,
            length_includes_head=True,
            color="#222222",
            zorder=20,
        )
    )
    ax.text(x, y + size * 1.12, "北", ha="center", va="bottom", fontsize=11 * k, fontweight="bold", zorder=20)


@dataclass(frozen=True)
class Layout:
    """Where things go on the page, in figure fractions (0–1, origin bottom left)."""

    map_box: tuple[float, float, float, float]  # left, bottom, width, height
    band_box: tuple[float, float, float, float]  # key figures and legend
    side: bool  # band beside the map (else below it)


def layout(page: Paper, n_figures: int = 6) -> Layout:
    """Landscape pages put the figures and legend in a band at the right; portrait pages (and
    the WeChat image) in a band under the map, as high as its rows of three figures need. The
    map takes everything else."""
    head = 0.115 if page.width_in > page.height_in else 0.09
    foot = 0.045 if page.width_in > page.height_in else 0.04
    margin_x = 0.25 / page.width_in
    if page.width_in > page.height_in:
        band_w = 0.27
        return Layout(
            (margin_x, foot, 1 - band_w - 2 * margin_x, 1 - head - foot),
            (1 - band_w - margin_x / 2, foot, band_w, 1 - head - foot),
            side=True,
        )
    rows = -(-min(n_figures, 6) // 3)
    band_h = 0.13 + (0.085 if page.dpi >= DPI else 0.105) * rows
    return Layout(
        (margin_x, foot + band_h, 1 - 2 * margin_x, 1 - head - foot - band_h),
        (margin_x, foot, 1 - 2 * margin_x, band_h - 0.01),
        side=False,
    )


def _extent(area: gpd.GeoDataFrame, box_aspect: float) -> tuple[float, float, float, float]:
    """The area's bounds with a margin, widened in one direction to the frame's aspect
    (width / height) so the map fills its frame at equal scale in x and y."""
    minx, miny, maxx, maxy = area.total_bounds
    pad = 0.04 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    cx, cy, w, h = (minx + maxx) / 2, (miny + maxy) / 2, maxx - minx, maxy - miny
    if w / h < box_aspect:
        w = h * box_aspect
    else:
        h = w / box_aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _draw_basemap(ax, layer, area: gpd.GeoDataFrame) -> list:
    """District fills, roads by class and the chosen area's outline."""
    ax.set_facecolor("#e4e0d6")
    admin = layer("admin_boundaries")
    admin[admin["level"] == "district"].plot(ax=ax, color="#f8f6f1", edgecolor="#5d4037", linewidth=1.2)
    handles: list[Artist] = [Patch(facecolor="#f8f6f1", edgecolor="#5d4037", label="区界")]
    roads = layer("roads")
    for highway, style in ROAD_STYLE.items():
        sub = roads[roads["highway"] == highway]
        if len(sub):
            sub.plot(ax=ax, color=style["color"], linewidth=style["weight"] * 0.35)
    if len(roads):
        handles.append(Line2D([], [], color=ROAD_STYLE["primary"]["color"], linewidth=1.5, label="道路"))
    area.boundary.plot(ax=ax, color="#b71c1c", linewidth=2.2, zorder=14)
    handles.append(Line2D([], [], color="#b71c1c", linewidth=2.2, label="制图范围"))
    return handles


def _draw_hierarchy(ax, layer, clip: tuple[float, float, float, float], k: float) -> list:
    """网格, 社区 and 街道 outlines (finest first, so the 街道 lines stay on top) and 街道 names."""
    handles = []
    for frame, key, title, width, dashes in (
        ("grids", "grid", "网格界线", 0.35, (1, 2)),
        ("communities", "community", "社区界线", 0.7, (4, 2)),
        ("streets", "street", "街道界线", 1.1, None),
    ):
        color = HIERARCHY_STYLE[key]["color"]
        linestyle: Any = (0, dashes) if dashes else "-"
        part = layer(frame)
        if len(part):
            part.boundary.plot(ax=ax, color=color, linewidth=width * k, linestyle=linestyle)
            handles.append(Line2D([], [], color=color, linewidth=width * k * 1.5, linestyle=linestyle, label=title))
    for _, row in layer("streets").iterrows():
        p = row.geometry.representative_point()
        if clip[0] < p.x < clip[2] and clip[1] < p.y < clip[3]:
            ax.text(p.x, p.y, row["street_name"], fontsize=8 * k, ha="center", va="center", color="#1a237e",
                    fontweight="bold", zorder=15, clip_on=True)  # fmt: skip
    return handles


def _draw_parking(ax, layer) -> list:
    """Road sections coloured by painting progress and the public car parks."""
    sections = layer("parking_sections")
    if len(sections):
        colors = [progress_color(a, b) for a, b in zip(sections["painted_bays"], sections["planned_bays"])]
        sections.plot(ax=ax, color=colors, linewidth=2.0, zorder=8)
    handles = [Line2D([], [], color=c, linewidth=2.5, label=f"施划进度 {label}") for _, c, label in PROGRESS_BINS]
    lots = layer("parking_lots")
    if len(lots):
        lots.plot(ax=ax, color=PARKING_LOT_COLOR, markersize=14, marker="s", zorder=9)
    handles.append(Line2D([], [], marker="s", linestyle="", color=PARKING_LOT_COLOR, markersize=5,
                          label=f"公共停车场（{len(lots)}）"))  # fmt: skip
    return handles


def _draw_map(
    ax,
    city: dict[str, gpd.GeoDataFrame],
    spec: PosterSpec,
    area: gpd.GeoDataFrame,
    clip: tuple[float, float, float, float],
    crs,
    k: float,
) -> list:
    """The basemap and the chosen layers in the local metric CRS; returns legend handles for
    everything drawn."""

    def layer(name):
        return city[name].to_crs(crs).cx[clip[0] : clip[2], clip[1] : clip[3]]

    handles = _draw_basemap(ax, layer, area)
    if "grids" in spec.layers:
        handles += _draw_hierarchy(ax, layer, clip, k)
    if spec.coverage is not None:
        handles += _draw_coverage(ax, spec.coverage, crs, clip, k)
    else:
        if "parking" in spec.layers:
            handles += _draw_parking(ax, layer)
        # Every other layer the registry shows, in its drawing order (the 停车 layers are drawn above).
        for z, shown in enumerate(registry.shown(), start=9):
            wanted = shown.name in spec.layers and shown.on_map.poster and shown.name not in parking.LAYERS
            if wanted and shown.name in city:
                handles += _plot_shown(ax, layer(shown.name), shown, k, z)
    ax.set_xlim(clip[0], clip[2])
    ax.set_ylim(clip[1], clip[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    return handles


def _draw_coverage(ax, cov: CoverageLayer, crs, clip, k: float) -> list:
    """Compounds coloured by their walk to the nearest facility, and the facilities."""
    compounds = cov.compounds.to_crs(crs).cx[clip[0] : clip[2], clip[1] : clip[3]]
    colors = [distance_color(d, cov.cutoff_m) for d in compounds["distance_m"]]
    if len(compounds):
        compounds.plot(ax=ax, color=colors, edgecolor="#333333", linewidth=0.2, zorder=7)
    facilities = cov.facilities.to_crs(crs).cx[clip[0] : clip[2], clip[1] : clip[3]]
    if len(facilities):
        facilities.plot(ax=ax, color="#263238", markersize=18 * k, edgecolor="white", linewidth=0.6, zorder=11)
    third = cov.cutoff_m / 3
    bounds = (f"≤ {third:.0f} 米", f"{third:.0f}–{2 * third:.0f} 米", f"{2 * third:.0f}–{cov.cutoff_m:.0f} 米")
    handles: list[Artist] = [
        Patch(facecolor=c, edgecolor="#333333", label=f"小区步行 {b}") for b, (_, c) in zip(bounds, DISTANCE_CLASSES)
    ]
    handles.append(Patch(facecolor=UNCOVERED_COLOR, edgecolor="#333333", label=f"超过 {cov.cutoff_m:.0f} 米（未覆盖）"))
    handles.append(
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            color="#263238",
            markeredgecolor="white",
            markersize=6,
            label=f"{cov.facility_title}（{len(facilities)}）",
        )
    )
    return handles


# Chinese line breaking (禁则): these never start a line, those never end one.
NO_LINE_START = set("）】」』》〉，。、；：！？…%)]}.,;:!?")
NO_LINE_END = set("（【「『《〈([{")


def _wrap(text: str, width_chars: float) -> str:
    """Lines of at most ``width_chars`` Chinese characters (a Latin letter or digit counts half):
    Chinese breaks between any two characters, a number or word is never split, closing
    punctuation hangs at the end of its line and an opening bracket moves down with its text."""
    lines, line, used = [], "", 0.0
    for token in re.findall(r"[0-9A-Za-z.,%/:+\-]+|\s+|.", text):
        size = len(token) * (0.55 if token.isascii() else 1.0)
        if used + size > width_chars and line.strip() and token not in NO_LINE_START:
            carried = ""
            while line and line[-1] in NO_LINE_END:
                line, carried = line[:-1], line[-1] + carried
            lines.append(line.rstrip())
            line = carried + token.lstrip()
            used = len(carried) + (size if not token.isspace() else 0.0)
        else:
            line, used = line + token, used + size
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def _key_figure(
    fig, f: KeyFigure, x: float, top: float, page: Paper, sizes: tuple[float, float, float], width_frac: float
) -> float:
    """Value, label and (on paper) definition stacked from ``top`` down; returns the height used."""

    def h(pt: float) -> float:
        return pt * 1.3 / 72 / page.height_in

    value_pt, label_pt, def_pt = sizes
    fig.text(x, top, f.value, fontsize=value_pt, fontweight="bold", color="#b71c1c", va="top")
    fig.text(x, top - h(value_pt), f.label, fontsize=label_pt, fontweight="bold", color="#1f2933", va="top")
    used = h(value_pt) + h(label_pt)
    if f.definition:
        chars = max(8, int(width_frac * page.width_in * 72 / def_pt * 0.92))
        text = _wrap(f.definition, chars)
        fig.text(x, top - used, text, fontsize=def_pt, color="#52606d", va="top", linespacing=1.2)
        used += h(def_pt) * 1.2 * (text.count("\n") + 1)
    return used


def _figures_and_legend(fig, spec: PosterSpec, box: Layout, page: Paper, handles: list, k: float) -> None:
    """3–6 key figures (with how each is counted) and the legend, in the band beside or under the map."""
    left, bottom, width, height = box.band_box
    figures = spec.figures[:6]
    gap = 0.012
    top = bottom + height
    if box.side:
        sizes = (22 * k, 11 * k, 7.5 * k)
        for f in figures:
            top -= _key_figure(fig, f, left, top, page, sizes, width) + gap
    elif figures:
        cols = 3
        sizes = (20 * k, 10 * k, 7 * k)
        for start in range(0, len(figures), cols):
            used = [
                _key_figure(fig, f, left + j * width / cols, top, page, sizes, width / cols - 0.01)
                for j, f in enumerate(figures[start : start + cols])
            ]
            top -= max(used) + gap
    lax = fig.add_axes((left, bottom, width, max(top - bottom, 0.05)))
    lax.axis("off")
    _fit_legend(fig, lax, handles, (1, 2) if box.side else (4, 3, 2), 8.5 * k)


def _fit_legend(fig, lax, handles: list, ncols: tuple[int, ...], size_pt: float) -> None:
    """The legend at the largest size (down to 60 %), in the first column count that keeps it
    inside its box."""
    renderer = fig.canvas.get_renderer()
    box = lax.get_window_extent(renderer)
    legend = None
    for factor in (1.0, 0.92, 0.85, 0.78, 0.7, 0.6):
        for ncol in ncols:
            if legend is not None:
                legend.remove()
            legend = lax.legend(
                handles=handles,
                loc="upper left",
                frameon=True,
                fontsize=size_pt * factor,
                title="图例",
                title_fontsize=size_pt * factor * 1.15,
                ncol=ncol,
                borderaxespad=0.2,
                handlelength=1.8,
                columnspacing=1.2,
                labelspacing=0.35,
            )
            extent = legend.get_window_extent(renderer)
            if extent.width <= box.width + 1 and extent.height <= box.height + 1:
                return


@literal_text
def render_poster(
    city: dict[str, gpd.GeoDataFrame], meta: dict[str, str], spec: PosterSpec, *, focus: gpd.GeoDataFrame
) -> Figure:
    """The poster for the chosen area (``focus`` polygons, any CRS) and layers: title band, the
    map filling its frame (the area centred, its surroundings filling the rest at equal scale),
    key figures with their definitions, a legend of everything drawn, and a footer with date,
    source and 审图号 (or a note that the boundaries are schematic)."""
    use_cjk_font()
    page = spec.page()
    k = page.text_scale
    fig = new_figure(page.width_in, page.height_in, page.dpi)
    fig.patch.set_facecolor("white")
    box = layout(page, len(spec.figures))
    ax = fig.add_axes(box.map_box, label="map")
    crs = local_metric_crs(focus)
    area = focus.to_crs(crs)
    aspect = box.map_box[2] * page.width_in / (box.map_box[3] * page.height_in)
    clip = _extent(area, aspect)
    handles = _draw_map(ax, city, spec, area, clip, crs, k)
    for spine in ax.spines.values():
        spine.set_linewidth(1.2)
    span_x, span_y = clip[2] - clip[0], clip[3] - clip[1]
    _scale_bar(ax, _nice_length(span_x), clip[0] + 0.04 * span_x, clip[1] + 0.04 * span_y, 0.008 * span_y, k)
    _north_arrow(ax, clip[2] - 0.05 * span_x, clip[3] - 0.17 * span_y, 0.08 * span_y, k)

    title_y = 1 - (0.045 if box.side else 0.035)
    sub_y = title_y - (0.05 if box.side else 0.035)
    title_pt = {"A4": 20, "A3": 26, "wechat": 20 * k}[spec.paper]
    fig.text(box.map_box[0], title_y, spec.title, fontsize=title_pt, fontweight="bold", color="#b71c1c", va="center")
    if spec.subtitle.strip():
        fig.text(box.map_box[0], sub_y, spec.subtitle, fontsize=12 * k, color="#37474f", va="center")
    if spec.generated_label:
        # on the map itself (top left), so no crop or long title can part it from the data
        ax.text(
            0.015,
            0.985,
            spec.generated_label,
            transform=ax.transAxes,
            fontsize=11 * k,
            color="#8d4a00",
            ha="left",
            va="top",
            zorder=30,
            bbox={"boxstyle": "round", "facecolor": "#fff3e0", "edgecolor": "#ffb74d"},
        )
    _figures_and_legend(fig, spec, box, page, handles, k)
    approval = f"审图号：{spec.map_approval}" if spec.map_approval.strip() else SCHEMATIC_NOTE
    foot = " · ".join(x for x in (spec.date_text, spec.source_note, approval) if x)
    fig.text(
        box.map_box[0],
        box.map_box[1] / 2 if box.side else 0.02,
        _wrap(foot, 200 if box.side else int(page.width_in * 72 / (7 * k) * 0.9)),
        fontsize=7.5 * k,
        color="#52606d",
        va="center",
    )
    return fig


def save_wechat(fig: Figure, limit_bytes: int = 1_000_000) -> tuple[bytes, str]:
    """The WeChat image as PNG if it is under ``limit_bytes``, else as the best JPEG quality
    under it; returns (bytes, "png" | "jpg")."""
    with _DRAWING:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=fig.dpi, facecolor=fig.get_facecolor())
        png = buffer.getvalue()
        if len(png) < limit_bytes:
            return png, "png"
        for quality in (90, 85, 80, 70, 60, 50):
            buffer = io.BytesIO()
            fig.savefig(
                buffer,
                format="jpg",
                dpi=fig.dpi,
                facecolor=fig.get_facecolor(),
                pil_kwargs={"quality": quality, "optimize": True},
            )
            if len(buffer.getvalue()) < limit_bytes:
                break
        return buffer.getvalue(), "jpg"


@literal_text
def progress_chart(progress: pd.DataFrame, kind: str, *, title: str, note: str) -> Figure:
    """A progress chart (施划停车位 or 问题) over time, styled like the wall screen."""
    use_cjk_font()
    fig = new_figure(8, 4.5, 200)
    ax = fig.subplots()
    fig.patch.set_facecolor("#0b1a2b")
    ax.set_facecolor("#11263d")
    dates = pd.to_datetime(progress["date"])
    if kind == "parking_progress":
        series = [("已施划泊位", progress["painted_bays"], "#ffd54f")]
    else:
        series = [
            ("发现问题", progress["problems_found"], "#ef5350"),
            ("已整改", progress["problems_closed"], "#66bb6a"),
        ]
    for label, values, color in series:
        ax.plot(dates, values, color=color, linewidth=2.5, label=f"{label}（{int(values.iloc[-1]):,}）")
    ax.set_title(title, color="#ffd54f", fontsize=15, loc="left", fontweight="bold")
    ax.tick_params(colors="#e6edf3")
    for spine in ax.spines.values():
        spine.set_color("#2d3f55")
    ax.grid(color="#2d3f55")
    ax.legend(facecolor="#11263d", edgecolor="#2d3f55", labelcolor="#e6edf3")
    fig.text(0.01, 0.01, note, color="#90a4ae", fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


@literal_text
def ranking_chart(ranking: pd.DataFrame, *, title: str, note: str) -> Figure:
    """The 街道 ranking by 达标率 as a horizontal bar chart (unranked streets left out)."""
    use_cjk_font()
    ranked = ranking[ranking["rank"].notna()].iloc[::-1]
    fig = new_figure(8, 0.4 * len(ranked) + 1.5, 200)
    ax = fig.subplots()
    fig.patch.set_facecolor("#0b1a2b")
    ax.set_facecolor("#11263d")
    colors = [pass_rate_color(r) for r in ranked["pass_rate"]]
    ax.barh(ranked["name"], ranked["pass_rate"] * 100, color=colors)
    for y, (rate, p, m) in enumerate(zip(ranked["pass_rate"], ranked["passed"], ranked["measured"])):
        ax.text(rate * 100 + 1, y, f"{rate * 100:.1f}%（{p}/{m}）", va="center", color="#e6edf3", fontsize=9)
    ax.set_xlim(0, 118)
    ax.set_title(title, color="#ffd54f", fontsize=15, loc="left", fontweight="bold")
    ax.tick_params(colors="#e6edf3")
    for spine in ax.spines.values():
        spine.set_color("#2d3f55")
    fig.text(0.01, 0.01, note, color="#90a4ae", fontsize=8)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def to_bytes(fig: Figure, fmt: str) -> bytes:
    """PNG (at the figure's dpi, recorded in the file) or PDF bytes."""
    buffer = io.BytesIO()
    with _DRAWING:
        fig.savefig(buffer, format=fmt, dpi=fig.dpi, facecolor=fig.get_facecolor())
    return buffer.getvalue()
