"""Small responsive SVG charts for the wall screen (they scale with the screen; no JS library).

Every text is escaped; numbers come straight from the data table passed in.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

W, H = 600, 260


@dataclass(frozen=True)
class Series:
    label: str
    values: np.ndarray
    color: str


def day_label(value) -> str:
    """ "6月4日": a date axis label as Chinese readers write it."""
    day = pd.Timestamp(value)
    return f"{day.month}月{day.day}日"


def tick_step(at_least: float) -> float:
    """The smallest whole 1, 2 or 5 × 10^k (or a whole number under 10) not below ``at_least``:
    four grid steps then end at or above the data's maximum with whole-number labels."""
    if at_least <= 10:
        return float(max(1, int(np.ceil(at_least))))
    magnitude = 10 ** np.floor(np.log10(at_least))
    return float(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= at_least))


def line_chart_svg(
    title: str,
    dates: pd.Series,
    series: list[Series],
    *,
    unit: str = "",
    dark: bool = True,
    text: float = 12,
    width: int = W,
    height: int = H,
) -> str:
    """A line chart of cumulative counts over dates; a key line under the title names each
    series with its last value (never over the lines). ``text`` is the axis text size in
    viewBox units (the title is 1.3×); padding follows it, so a wall-screen chart can carry
    large text."""
    fg, grid = ("#e6edf3", "#2d3f55") if dark else ("#1f2933", "#d9dee3")
    W, H = width, height  # noqa: N806
    PAD_L, PAD_R, PAD_T, PAD_B = text * 4.6, text * 1.2, text * 4.0, text * 2.3  # noqa: N806
    n = len(dates)
    top = float(4 * tick_step(max(float(max(s.values.max() for s in series)), 1.0) / 4))
    x = lambda i: PAD_L + (W - PAD_L - PAD_R) * (i / max(n - 1, 1))  # noqa: E731
    y = lambda v: PAD_T + (H - PAD_T - PAD_B) * (1 - v / top)  # noqa: E731
    parts = [
        f'<svg viewBox="0 0 {W} {H}" width="100%" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Noto Sans CJK SC, sans-serif">',
        f'<text x="0" y="{text * 1.55:.1f}" fill="{fg}" font-size="{text * 1.3:.1f}" font-weight="700">'
        f"{html.escape(title)}</text>",
    ]
    for k in range(5):
        v = top * k / 4
        parts.append(f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{grid}"/>')
        parts.append(
            f'<text x="{PAD_L - text / 2:.1f}" y="{y(v) + text / 3:.1f}" fill="{fg}" '
            f'font-size="{text}" text-anchor="end">{v:,.0f}</text>'
        )
    # The first and last labels align to their ends so that neither runs off the chart.
    for i, anchor in ((0, "start"), (n // 2, "middle"), (n - 1, "end")):
        parts.append(
            f'<text x="{x(i):.1f}" y="{H - text * 0.6:.1f}" fill="{fg}" font-size="{text}" '
            f'text-anchor="{anchor}">{html.escape(day_label(dates.iloc[i]))}</text>'
        )
    key = []
    for s in series:
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{s.color}" stroke-width="{text / 4:.1f}"/>')
        key.append(
            f'<tspan fill="{s.color}">━ {html.escape(s.label)} {float(s.values[-1]):,.0f}{html.escape(unit)}</tspan>'
        )
    parts.append(
        f'<text x="0" y="{text * 3.05:.1f}" font-size="{text}" xml:space="preserve">' + "    ".join(key) + "</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
