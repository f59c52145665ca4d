"""The SVG line chart: whole-number axis labels that reach the data's top, Chinese dates, text
escaped."""

import re

import numpy as np
import pandas as pd
import pytest

from ui.svgcharts import Series, line_chart_svg


@pytest.mark.parametrize("top", [0, 1, 3, 9, 11, 325, 3962, 19116])
def test_axis_labels_are_whole_numbers_up_to_the_data(top):
    dates = pd.Series(["2026-06-04", "2026-09-02", "2026-12-01"])
    svg = line_chart_svg("累计", dates, [Series("发现", np.array([0, top // 2, top]), "#f00")], text=25)
    ticks = [int(t.replace(",", "")) for t in re.findall(r'text-anchor="end">([\d,]+)</text>', svg)]
    assert len(ticks) == 5 and ticks[0] == 0 and ticks[-1] >= top
    steps = np.diff(ticks)
    assert (steps == steps[0]).all() and steps[0] >= 1
    assert ticks[-1] < max(top, 4) * 2.5  # the top is not far above the data
    assert "6月4日" in svg and "12月1日" in svg


def test_titles_and_labels_are_escaped():
    svg = line_chart_svg("<b>t</b>", pd.Series(["2026-06-04", "2026-06-05"]),
                         [Series("<i>s</i>", np.array([1, 2]), "#f00")])
    assert "<b>" not in svg and "<i>" not in svg and "&lt;b&gt;" in svg
