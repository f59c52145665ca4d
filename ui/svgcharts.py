"""Small responsive SVG charts for the wall screen (they scale with the screen; no JS library).

Every text is escaped; numbers come straight from the data table passed in.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

W, H = 600, 260
PAD_L, PAD_R, PAD_T, PAD_B = 62, 16, 34, 34


@dataclass(frozen=True)
class Series:
    label: str
    values: np.ndarray
    color: str


def day_label(value) -> str:
    """"6月4日": a date axis label as Chinese readers write it."""
    day = pd.Timestamp(value)
    return f"{day.month}月{day.day}日"


def line_chart_svg(title: str, dates: pd.Series, series: list[Series], *, unit: str = "",
                   dark: bool = True) -> str:
    """A line chart of cumulative counts over dates, with the last values labelled."""
    fg, grid = ("#e6edf3", "#2d3f55") if dark else ("#1f2933", "#d9dee3")
    n = len(dates)
    top = max(float(max(s.values.max() for s in series)), 1.0)
    step = 10 ** np.floor(np.log10(top)) if top >= 10 else 1
    top = float(np.ceil(top / step) * step)
    x = lambda i: PAD_L + (W - PAD_L - PAD_R) * (i / max(n - 1, 1))  # noqa: E731
    y = lambda v: PAD_T + (H - PAD_T - PAD_B) * (1 - v / top)  # noqa: E731
    parts = [f'<svg viewBox="0 0 {W} {H}" width="100%" xmlns="http://www.w3.org/2000/svg" '
             f'font-family="Noto Sans CJK SC, sans-serif">',
             f'<text x="{PAD_L}" y="20" fill="{fg}" font-size="17" font-weight="700">{html.escape(title)}</text>']
    for k in range(5):
        v = top * k / 4
        parts.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{grid}"/>')
        parts.append(f'<text x="{PAD_L - 6}" y="{y(v) + 4:.1f}" fill="{fg}" font-size="12" '
                     f'text-anchor="end">{v:,.0f}</text>')
    # The first and last labels align to their ends so that neither runs off the chart.
    for i, anchor in ((0, "start"), (n // 2, "middle"), (n - 1, "end")):
        parts.append(f'<text x="{x(i):.1f}" y="{H - 12}" fill="{fg}" font-size="12" '
                     f'text-anchor="{anchor}">{html.escape(day_label(dates.iloc[i]))}</text>')
    for j, s in enumerate(series):
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{s.color}" stroke-width="3"/>')
        last = float(s.values[-1])
        parts.append(f'<text x="{W - PAD_R}" y="{PAD_T - 14 + 16 * j + 30:.1f}" fill="{s.color}" '
                     f'font-size="13" text-anchor="end">{html.escape(s.label)} {last:,.0f}{html.escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)
