"""The 达标率 colour bands: declared once, read by the page's ranking table and the press chart."""

import matplotlib.colors as mcolors
import pandas as pd

from chuangcheng.layers.poster import ranking_chart
from chuangcheng.layers.style import pass_rate_color
from chuangcheng.ui.widgets import ranking_html

GREEN, AMBER, RED = "#1a9850", "#fdae61", "#d73027"


def test_band_edges():
    assert [pass_rate_color(r) for r in (1.0, 0.8, 0.7999, 0.6, 0.5999, 0.0)] == [GREEN, GREEN, AMBER, AMBER, RED, RED]


def _ranking() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["a", "b", "c"],
            "name": ["甲街道", "乙街道", "丙街道"],
            "pass_rate": [0.9, 0.65, 0.3],
            "passed": [9, 13, 3],
            "measured": [10, 20, 10],
            "open_problems": [0, 1, 2],
            "rank": [1, 2, 3],
        }
    )


def test_the_press_chart_colours_bars_by_the_bands():
    fig = ranking_chart(_ranking(), title="排名", note="n")
    bars = sorted(fig.axes[0].patches, key=lambda p: p.get_width(), reverse=True)
    assert [mcolors.to_hex(b.get_facecolor()) for b in bars] == [GREEN, AMBER, RED]


def test_the_ranking_table_colours_by_the_bands():
    page = ranking_html(_ranking())
    assert page.index(GREEN) < page.index(AMBER) < page.index(RED)
