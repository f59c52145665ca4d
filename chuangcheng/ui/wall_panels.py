"""What the 大屏 shows beside the map for each carousel view: the view's headline figures, its
KPI tiles and 红黑榜, and the progress chart — all over the view's own area.

The city and theme views rank the 区; a 区 view ranks its 街道; a 街道 view ranks the 街道 of its
区 with itself highlighted (and always listed). Every string is escaped here.
"""

from __future__ import annotations

import html
from datetime import datetime

import pandas as pd

from chuangcheng.geo import kpi
from chuangcheng.geo.areas import AreaFilter, filter_area
from chuangcheng.geo.cityview import daily_progress
from chuangcheng.geo.lifecircle import CoverageResult
from chuangcheng.geo.wallscreen import WallConfig, WallView
from chuangcheng.layers.wall_map import ViewContent
from chuangcheng.ui import figures
from chuangcheng.ui.svgcharts import Series, line_chart_svg
from chuangcheng.ui.widgets import ranking_html

# Sizes are in --u (1/100 of the screen width, or of 16:9 of its height on a wider wall), and
# no text is under 1.3u: 25 px at 1920×1080, 50 px at 3840×2160.
PANEL_CSS = """
.cc-wtiles { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: calc(var(--u) * 0.5); }
.cc-wtile { background: #10233a; border-left: calc(var(--u) * 0.35) solid #ffd54f; border-radius: 6px;
  padding: calc(var(--u) * 0.35) calc(var(--u) * 0.6); min-width: 0; }
.cc-wtile .k, .cc-wtile .d { line-height: 1.25; }
.cc-wtile .k { font-size: var(--t); color: #b0bec5; white-space: nowrap; }
.cc-wtile .v { font-size: calc(var(--u) * 2.1); font-weight: 800; color: #ffffff; line-height: 1.1; }
.cc-wtile .d { font-size: var(--t); color: #90a4ae; }
.cc-wall-side h3 { font-size: calc(var(--u) * 1.5); color: #ffd54f; margin: 0; line-height: 1.3;
  white-space: nowrap; overflow: hidden; }
.cc-wall-side .cc-rank { width: 100%; border-collapse: collapse; font-size: var(--t); line-height: 1.2; }
.cc-wall-side .cc-rank th { text-align: left; color: #90a4ae; font-weight: 600; border-bottom: 2px solid #2d3f55;
  white-space: nowrap; }
.cc-wall-side .cc-rank td { border-bottom: 1px solid #1c3148; padding: calc(var(--u) * 0.08) calc(var(--u) * 0.2);
  white-space: nowrap; }
.cc-wall-side .cc-rank tr.cc-sel td { background: #2a4466; font-weight: 800; color: #ffd54f; }
.cc-wall-side .cc-tag { font-size: var(--t); border-radius: 4px; padding: 0 0.25em; color: #fff; }
.cc-wall-side .cc-tag.red { background: #c62828; }
.cc-wall-side .cc-tag.black { background: #000; border: 1px solid #90a4ae; }
.cc-wall-side .cc-tag.few { background: #546e7a; }
.cc-wchart { background: #10233a; border-radius: 6px; padding: calc(var(--u) * 0.3);
  flex: 0 1 auto; min-height: 0; display: flex; }
.cc-wchart svg { display: block; max-height: 100%; }
"""
# the frames a panel counts over (tiles, headline, chart)
PANEL_FRAMES = ("inspection_points", "cases", "parking_sections", "public_toilets", "markets")
CHART_TEXT = 25  # viewBox units; the chart is drawn about 1.0× at 1080p (26u wide, viewBox 500)
CHART_HEIGHT = 270


def _district_ranking(frames, min_measured: int) -> pd.DataFrame:
    return kpi.area_ranking(
        frames["inspection_points"],
        frames["cases"],
        frames["districts"],
        code_col="district_code",
        name_col="district_name",
        min_measured=min_measured,
    )


def _ranking(district_code: str | None, frames, min_measured: int) -> tuple[str, pd.DataFrame]:
    """(heading, ranking table) of a view's 红黑榜: the 街道 of ``district_code``, or the 区."""
    if district_code is None:
        return "各区测评达标率 红黑榜", _district_ranking(frames, min_measured)
    district = frames["districts"].loc[frames["districts"]["district_code"] == district_code, "district_name"].iloc[0]
    inside = AreaFilter(district_code=district_code)
    table = kpi.area_ranking(
        filter_area(frames["inspection_points"], inside),
        filter_area(frames["cases"], inside),
        filter_area(frames["streets"], inside),
        code_col="street_code",
        name_col="street_name",
        min_measured=min_measured,
    )
    return f"{district} 各街道 红黑榜", table


def _place(table: pd.DataFrame, code: str | None) -> str:
    row = table[table["code"] == code]
    if row.empty or pd.isna(row["rank"].iloc[0]):
        return "样本不足"
    return f"第 {int(row['rank'].iloc[0])} / {int(table['rank'].notna().sum())}"


def _headline(
    view: WallView, data, coverage: dict[str, CoverageResult], streets: pd.DataFrame, districts: pd.DataFrame
) -> tuple[tuple[tuple[str, str], ...], str]:
    """((value, label) pairs, a note) shown big on the map for the view."""
    rate = kpi.inspection_pass_rate(data["inspection_points"])
    open_n = kpi.open_problems(data["cases"])
    if view.theme in coverage:
        totals = coverage[view.theme].totals()
        result = coverage[view.theme]
        share = kpi.Ratio(totals["covered_population"], totals["population"])
        return (
            (share.percent_text(), "居民步行可达"),
            (f"{totals['uncovered_population']:,}", "未覆盖人口"),
        ), f"阈值 {result.cutoff_m:.0f} 米（{result.method_title}）：{result.threshold.source_text()}"
    if view.theme == "parking":
        parking = kpi.parking_progress(data["parking_sections"])
        return (
            (parking.percent_text(), "施划进度"),
            (f"{parking.numerator:,}", "已施划泊位"),
        ), f"已施划 {parking.numerator:,} / 规划 {parking.denominator:,} 个泊位"
    pairs = [(rate.percent_text(), "测评达标率"), (f"{open_n:,}", "未整改问题")]
    if view.kind == "district":
        pairs.append((_place(districts, view.district_code), "全市名次"))
    elif view.kind == "street":
        pairs.append((_place(streets, view.street_code), "区内名次"))
    return tuple(pairs), f"达标 {rate.numerator} / 已测评 {rate.denominator} 个点位"


def _chart(view: WallView, frames, data, config: WallConfig) -> str:
    progress = frames["progress"]
    if not len(progress) or not config.charts:
        return ""
    if view.theme == "parking" and "parking_progress" in config.charts or config.charts == ("parking_progress",):
        return line_chart_svg(
            "全市施划停车位累计（个）",
            progress["date"],
            [Series("已施划", progress["painted_bays"].to_numpy(), "#ffd54f")],
            text=CHART_TEXT,
            width=500,
            height=CHART_HEIGHT,
        )
    if view.area.is_whole_city:
        counts = progress
    else:  # the same counts over the area's cases' events
        events = frames["events"]
        mine = events[events["case_id"].isin(data["cases"]["id"])]
        counts = daily_progress(
            pd.DataFrame({"painted_on": pd.Series(dtype=str), "bays": pd.Series(dtype=int)}),
            mine,
            planned_bays=0,
            start=pd.Timestamp(progress["date"].iloc[0]),
            end=pd.Timestamp(progress["date"].iloc[-1]),
        )
    where = "" if view.area.is_whole_city else view.title
    return line_chart_svg(
        f"{where}问题累计（件）",
        counts["date"],
        [
            Series("发现", counts["problems_found"].to_numpy(), "#ef5350"),
            Series("办结", counts["problems_closed"].to_numpy(), "#66bb6a"),
        ],
        text=CHART_TEXT,
        width=500,
        height=CHART_HEIGHT,
    )


def view_contents(
    views: list[WallView],
    frames,
    as_of: datetime,
    config: WallConfig,
    coverage: dict[str, CoverageResult],
    min_measured: int,
) -> list[ViewContent]:
    """Headline, tiles, 红黑榜 and chart for every view, from the frames of ``ui.data.load_city``."""
    out = []
    districts = _district_ranking(frames, min_measured)
    rankings: dict[str | None, tuple[str, pd.DataFrame]] = {}  # one per 区 (None: the city's 区)
    for view in views:
        data = {name: filter_area(frames[name], view.area) for name in PANEL_FRAMES}
        ranked_in = view.district_code if view.kind in ("district", "street") else None
        if ranked_in not in rankings:
            rankings[ranked_in] = _ranking(ranked_in, frames, min_measured)
        heading, table = rankings[ranked_in]
        selected = view.street_code
        headline, note = _headline(view, data, coverage, table, districts)
        tiles = "".join(
            f'<div class="cc-wtile"><div class="k">{html.escape(t.label)}</div>'
            f'<div class="v">{html.escape(t.value)}</div>'
            f'<div class="d">{html.escape(t.brief or t.detail)}</div></div>'
            for t in figures.tiles(config.figures, data, as_of)
        )
        ranking = ranking_html(
            table,
            level_title="街道" if view.kind in ("district", "street") else "区",
            selected_code=selected,
            podium_only=True,
            compact=True,
            min_measured=min_measured,
        )
        chart = _chart(view, frames, data, config)
        panel = f'<div class="cc-wtiles">{tiles}</div><h3>{html.escape(heading)}</h3>{ranking}' + (
            f'<div class="cc-wchart">{chart}</div>' if chart else ""
        )
        out.append(ViewContent(view, headline, note, panel))
    return out
