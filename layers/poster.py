"""Press exports from the server: map posters (PNG at 300 dpi and PDF, A4/A3, portrait or
landscape) and progress charts (PNG), in Chinese with an embedded CJK font.

Drawn with matplotlib in the local metric CRS (so the scale bar is true), with title, subtitle,
legend, scale bar, north arrow, date, source note and the generated-data label. Every text is
drawn as typed (no mathtext: a ``$`` in a title is a dollar sign). The font is
Noto Sans CJK SC (Debian's ``fonts-noto-cjk``, SIL OFL), which ``scripts/setup.sh`` installs;
if it is missing the export stops with a message instead of printing boxes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrow, Rectangle  # noqa: E402

from geo.crs import local_metric_crs  # noqa: E402
from layers.style import (MARKET_COLORS, PROGRESS_BINS, RESULT_COLORS, ROAD_STYLE,  # noqa: E402
                          TOILET_COLORS, progress_color)

FONT_FAMILY = "Noto Sans CJK SC"
FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
PAPER_MM = {"A4": (210, 297), "A3": (297, 420)}
DPI = 300
LAYER_TITLES = {"grids": "街道", "parking": "施划停车路段", "public_toilets": "公厕",
                "markets": "农贸市场", "inspection_points": "测评点位"}


def literal_text(draw):
    """Draw with every text shown as typed: a title such as “奖励 $5$ 元” is not mathtext."""
    import functools

    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        # Only this key is restored: rc_context would also undo use_cjk_font's settings,
        # which the PDF writer reads later, at save time.
        before = plt.rcParams["text.parse_math"]
        plt.rcParams["text.parse_math"] = False  # read when each Text is created
        try:
            return draw(*args, **kwargs)
        finally:
            plt.rcParams["text.parse_math"] = before

    return drawn


class FontMissingError(RuntimeError):
    """No CJK font: Chinese would print as boxes."""


def use_cjk_font() -> str:
    """Register the CJK font with matplotlib (a stale font cache would silently fall back)."""
    found = [p for p in FONT_FILES if Path(p).is_file()]
    if not found:
        raise FontMissingError(
            "未找到中文字体 Noto Sans CJK（Debian 软件包 fonts-noto-cjk）。"
            "请运行 scripts/setup.sh 或 sudo apt-get install fonts-noto-cjk 后重试。")
    for path in found:
        font_manager.fontManager.addfont(path)
    plt.rcParams["font.family"] = FONT_FAMILY
    plt.rcParams["pdf.fonttype"] = 42  # embed the font itself, not outlines as Type 3
    plt.rcParams["axes.unicode_minus"] = False
    return FONT_FAMILY


@dataclass(frozen=True)
class PosterSpec:
    title: str
    subtitle: str
    paper: str = "A3"           # "A4" or "A3"
    landscape: bool = True
    layers: tuple[str, ...] = ("grids", "parking", "public_toilets", "markets", "inspection_points")
    date_text: str = ""
    source_note: str = ""
    generated_label: str = ""   # shown prominently when the data is generated

    def size_in(self) -> tuple[float, float]:
        w, h = PAPER_MM[self.paper]
        if self.landscape:
            w, h = h, w
        return w / 25.4, h / 25.4


def _scale_bar(ax, length_m: float, x0: float, y0: float, height: float) -> None:
    segments = 4
    for i in range(segments):
        ax.add_patch(Rectangle((x0 + i * length_m / segments, y0), length_m / segments, height,
                               facecolor="#222222" if i % 2 == 0 else "#ffffff",
                               edgecolor="#222222", linewidth=0.6, zorder=20))
    label = f"{length_m / 1000:g} 千米" if length_m >= 1000 else f"{length_m:g} 米"
    ax.text(x0 + length_m / 2, y0 + height * 1.8, label, ha="center", va="bottom", fontsize=9,
            zorder=20)
    ax.text(x0, y0 - height * 0.8, "0", ha="center", va="top", fontsize=7, zorder=20)


def _plot_categories(ax, gdf: gpd.GeoDataFrame, column: str, colors: dict[str, str], label: str,
                     size: float, edge: str | None, zorder: int) -> list:
    """Points coloured by a category; returns legend handles with the counts."""
    handles = []
    for value, color in colors.items():
        sub = gdf[gdf[column] == value]
        if len(sub):
            sub.plot(ax=ax, color=color, markersize=size, edgecolor=edge or color,
                     linewidth=0.7 if edge else 0, zorder=zorder)
        handles.append(Line2D([], [], marker="o", linestyle="", color=color,
                              markeredgecolor=edge or color, markersize=max(4, size ** 0.5),
                              label=f"{label.format(value)}（{len(sub)}）"))
    return handles


def _nice_length(span_m: float) -> float:
    target = span_m / 5
    exp = 10 ** np.floor(np.log10(target))
    return float(max(m * exp for m in (1, 2, 5) if m * exp <= target))


def _north_arrow(ax, x: float, y: float, size: float) -> None:
    ax.add_patch(FancyArrow(x, y, 0, size, width=size * 0.25, head_width=size * 0.55,
                            head_length=size * 0.45, length_includes_head=True,
                            color="#222222", zorder=20))
    ax.text(x, y + size * 1.12, "N", ha="center", va="bottom", fontsize=11, fontweight="bold",
            zorder=20)


@literal_text
def render_poster(city: dict[str, gpd.GeoDataFrame], meta: dict[str, str], spec: PosterSpec, *,
                  focus: gpd.GeoDataFrame) -> plt.Figure:
    """The poster figure for the chosen area (``focus`` polygons) and layers."""
    use_cjk_font()
    crs = local_metric_crs(focus)
    w_in, h_in = spec.size_in()
    fig = plt.figure(figsize=(w_in, h_in), dpi=DPI)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.03, 0.07, 0.70, 0.80) if spec.landscape else (0.04, 0.20, 0.92, 0.66))
    ax.set_facecolor("#e4e0d6")
    area = focus.to_crs(crs)
    minx, miny, maxx, maxy = area.total_bounds
    pad = 0.05 * max(maxx - minx, maxy - miny)
    clip = (minx - pad, miny - pad, maxx + pad, maxy + pad)

    def layer(name):
        return city[name].to_crs(crs).cx[clip[0]:clip[2], clip[1]:clip[3]]

    admin = layer("admin_boundaries")
    admin[admin["level"] == "district"].plot(ax=ax, color="#f8f6f1", edgecolor="#5d4037", linewidth=1.2)
    roads = layer("roads")
    for highway, style in ROAD_STYLE.items():
        sub = roads[roads["highway"] == highway]
        if len(sub):
            sub.plot(ax=ax, color=style["color"], linewidth=style["weight"] * 0.35)
    handles = []
    if "grids" in spec.layers:
        streets = layer("streets")
        streets.boundary.plot(ax=ax, color="#283593", linewidth=1.0)
        for _, row in streets.iterrows():
            p = row.geometry.representative_point()
            ax.text(p.x, p.y, row["street_name"], fontsize=8, ha="center", va="center",
                    color="#1a237e", fontweight="bold", zorder=15)
        handles.append(Line2D([], [], color="#283593", linewidth=1.2, label="街道界线"))
    if "parking" in spec.layers:
        sections = layer("parking_sections")
        colors = [progress_color(a, b) for a, b in zip(sections["painted_bays"], sections["planned_bays"])]
        sections.plot(ax=ax, color=colors, linewidth=2.0, zorder=8)
        handles += [Line2D([], [], color=c, linewidth=2.5, label=f"施划进度 {label}")
                    for _, c, label in PROGRESS_BINS]
    # (layer, category column, colours, legend label, marker size, edge colour, z-order)
    categorical = (
        ("public_toilets", "kind", TOILET_COLORS, "{}", 5, None, 9),
        ("markets", "upgrade_status", MARKET_COLORS, "农贸市场 {}", 40, "black", 10),
        ("inspection_points", "latest_result", RESULT_COLORS, "测评点位 {}", 22, "white", 11),
    )
    for name, column, colors, label, size, edge, z in categorical:
        if name in spec.layers:
            handles += _plot_categories(ax, layer(name), column, colors, label, size, edge, z)
    ax.set_xlim(clip[0], clip[2])
    ax.set_ylim(clip[1], clip[3])
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    span = clip[2] - clip[0]
    bar = _nice_length(span)
    _scale_bar(ax, bar, clip[0] + 0.04 * span, clip[1] + 0.04 * (clip[3] - clip[1]),
               0.008 * (clip[3] - clip[1]))
    _north_arrow(ax, clip[2] - 0.06 * span, clip[3] - 0.16 * (clip[3] - clip[1]),
                 0.07 * (clip[3] - clip[1]))

    fig.text(0.03, 0.955, spec.title, fontsize=24 if spec.paper == "A3" else 20, fontweight="bold",
             color="#b71c1c", va="center")
    fig.text(0.03, 0.905, spec.subtitle, fontsize=12, color="#37474f", va="center")
    legend_box = (0.75, 0.07, 0.23, 0.80) if spec.landscape else (0.04, 0.02, 0.92, 0.16)
    lax = fig.add_axes(legend_box)
    lax.axis("off")
    lax.legend(handles=handles, loc="upper left", frameon=True, fontsize=9, title="图例",
               title_fontsize=11, ncol=1 if spec.landscape else 3)
    foot = " · ".join(x for x in (spec.date_text, spec.source_note) if x)
    fig.text(0.03, 0.03, foot, fontsize=8, color="#52606d", va="center")
    if spec.generated_label:
        fig.text(0.97, 0.955, spec.generated_label, fontsize=11, color="#8d4a00", ha="right",
                 va="center", bbox={"boxstyle": "round", "facecolor": "#fff3e0", "edgecolor": "#ffb74d"})
    return fig


@literal_text
def progress_chart(progress: pd.DataFrame, kind: str, *, title: str, note: str) -> plt.Figure:
    """A progress chart (施划停车位 or 问题) over time, styled like the wall screen."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=200)
    fig.patch.set_facecolor("#0b1a2b")
    ax.set_facecolor("#11263d")
    dates = pd.to_datetime(progress["date"])
    if kind == "parking_progress":
        series = [("已施划泊位", progress["painted_bays"], "#ffd54f")]
    else:
        series = [("发现问题", progress["problems_found"], "#ef5350"),
                  ("已整改", progress["problems_closed"], "#66bb6a")]
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
def ranking_chart(ranking: pd.DataFrame, *, title: str, note: str) -> plt.Figure:
    """The 街道 ranking by 达标率 as a horizontal bar chart (unranked streets left out)."""
    use_cjk_font()
    ranked = ranking[ranking["rank"].notna()].iloc[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.4 * len(ranked) + 1.5), dpi=200)
    fig.patch.set_facecolor("#0b1a2b")
    ax.set_facecolor("#11263d")
    colors = ["#1a9850" if r >= 0.8 else "#fdae61" if r >= 0.6 else "#d73027" for r in ranked["pass_rate"]]
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


def to_bytes(fig: plt.Figure, fmt: str) -> bytes:
    """PNG (at the figure's dpi, recorded in the file) or PDF bytes; the figure is closed."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=fig.dpi, facecolor=fig.get_facecolor())
    plt.close(fig)
    return buffer.getvalue()
