"""The SVG line chart: whole-number axis labels that reach the data's top, Chinese dates, text
escaped."""

import re

import numpy as np
import pandas as pd
import pytest

from chuangcheng.ui.svgcharts import Series, line_chart_svg


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
    svg = line_chart_svg(
        "<b>t</b>", pd.Series(["2026-06-04", "2026-06-05"]), [Series("<i>s</i>", np.array([1, 2]), "#f00")]
    )
    assert "<b>" not in svg and "<i>" not in svg and "&lt;b&gt;" in svg


def test_the_key_names_each_series_with_its_last_value_above_the_plot():
    dates = pd.Series(["2026-06-01", "2026-06-02", "2026-06-03"])
    svg = line_chart_svg(
        "累计",
        dates,
        [Series("已施划", np.array([0, 10, 3962]), "#ffd54f"), Series("办结", np.array([0, 1, 2]), "#66bb6a")],
        text=20,
    )
    assert "━ 已施划 3,962" in svg and "━ 办结 2" in svg
    key_y = float(re.search(r'<text x="0" y="([\d.]+)" font-size="20" xml:space', svg).group(1))
    grid_top = min(float(y) for y in re.findall(r'<line [^>]*y1="([\d.]+)"', svg))
    assert key_y < grid_top  # the key sits above the plot, never on the lines


def test_the_date_axis_reads_as_chinese_from_timestamps():
    dates = pd.Series(pd.to_datetime(["2026-06-04", "2026-09-02", "2026-12-01"]))
    svg = line_chart_svg("问题累计（件）", dates, [Series("发现", np.array([1, 2, 3]), "#ef5350")])
    for label in ("6月4日", "9月2日", "12月1日"):
        assert f">{label}</text>" in svg
