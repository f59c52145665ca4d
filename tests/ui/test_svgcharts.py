import numpy as np
import pandas as pd

from ui.svgcharts import Series, line_chart_svg


def test_chart_labels_last_values_and_escapes():
    dates = pd.Series(["2026-06-01", "2026-06-02", "2026-06-03"])
    svg = line_chart_svg("<b>标题</b>", dates, [Series("已施划", np.array([0, 10, 3962]), "#ffd54f")])
    assert svg.startswith("<svg") and "已施划 3,962" in svg
    assert "<b>" not in svg and "&lt;b&gt;" in svg


def test_the_date_axis_reads_as_chinese():
    dates = pd.Series(pd.to_datetime(["2026-06-04", "2026-09-02", "2026-12-01"]))
    svg = line_chart_svg("问题累计（件）", dates, [Series("发现", np.array([1, 2, 3]), "#ef5350")])
    for label in ("6月4日", "9月2日", "12月1日"):
        assert f">{label}</text>" in svg
