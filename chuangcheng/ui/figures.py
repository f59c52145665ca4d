"""The campaign's KPI tiles, declared once: the 作战挂图 and the 大屏 both draw them from here.

Each tile is computed from the (area-filtered) frames of ``ui.data.load_city`` by the counting
functions of ``geo.kpi``/``geo.ledger_kpi``, so its value and the counts behind it always agree.
A tile has a full ``detail`` (the 作战挂图) and a ``brief`` one that reads from across a room
(the 大屏).
"""

from __future__ import annotations

from datetime import datetime

from chuangcheng.geo import kpi, ledger_kpi
from chuangcheng.ui.widgets import Tile

TOILET_KINDS = ("固定公厕", "移动公厕", "共享卫生间")
TOILET_SHORT = {"固定公厕": "固定", "移动公厕": "移动", "共享卫生间": "共享"}
MARKET_STATES = ("已改造", "改造中", "未改造")
BATTLE_MAP_FIGURES = ("pass_rate", "open_problems", "on_time_rate", "parking_progress", "public_toilets", "markets")


def _pass_rate(data, as_of) -> Tile:
    points = data["inspection_points"]
    rate = kpi.inspection_pass_rate(points)
    unmeasured = int((points["latest_result"] == "未测评").sum())
    return Tile(
        "测评点位达标率",
        rate.percent_text(),
        f"达标 {rate.numerator} / 已测评 {rate.denominator}（{len(points)} 个点位，未测评 {unmeasured}）",
        "#1a9850",
        brief=f"达标 {rate.numerator} / 已测 {rate.denominator}",
    )


def _open_problems(data, as_of) -> Tile:
    open_total = kpi.open_problems(data["cases"])
    linked = int(data["inspection_points"]["open_problems"].sum())
    overdue = int(ledger_kpi.is_overdue(data["cases"], as_of).sum())
    return Tile(
        "未整改问题",
        f"{open_total:,}",
        f"问题台账在办案件；其中 {linked} 件关联测评点位，超期 {overdue} 件",
        "#d73027",
        brief=f"其中超期 {overdue} 件",
    )


def _on_time_rate(data, as_of) -> Tile:
    ledger = ledger_kpi.ledger_figures(data["cases"], as_of=as_of)
    rate = ledger["on_time_rate"]
    return Tile(
        "问题按期结案率",
        rate.percent_text(),
        f"按期 {rate.numerator} / 应结案 {ledger['due']}（问题台账）",
        "#6d4c41",
        brief=f"按期 {rate.numerator} / 应结 {ledger['due']}",
    )


def _problems_closed(data, as_of) -> Tile:
    done = kpi.problems_finished(data["cases"])
    return Tile(
        "问题办结率",
        done.percent_text(),
        f"已办结 {done.numerator:,} / 发现 {done.denominator:,}（结案、作废、不予立案计为办结）",
        "#43a047",
        brief=f"办结 {done.numerator:,} / 发现 {done.denominator:,}",
    )


def _parking_progress(data, as_of) -> Tile:
    sections = data["parking_sections"]
    parking = kpi.parking_progress(sections)
    return Tile(
        "施划停车位进度",
        parking.percent_text(),
        f"已施划 {parking.numerator:,} / 规划 {parking.denominator:,} 个（{len(sections)} 个路段）",
        "#fc8d59",
        brief=f"{parking.numerator:,} / {parking.denominator:,} 个",
    )


def _toilets(data, as_of) -> Tile:
    toilets = data["public_toilets"]
    counts = kpi.count_by(toilets, "kind", TOILET_KINDS)
    dry = int((toilets["flush_type"] == "旱厕").sum())
    return Tile(
        "公共厕所",
        f"{sum(counts.values()):,}",
        f"{kpi.breakdown_text(counts, TOILET_SHORT)} · 旱厕 {dry}",
        "#2166ac",
        brief=f"固定 {counts['固定公厕']:,} · 旱厕 {dry}",
    )


def _markets(data, as_of) -> Tile:
    counts = kpi.count_by(data["markets"], "upgrade_status", MARKET_STATES)
    return Tile(
        "农贸市场",
        f"{sum(counts.values())}",
        kpi.breakdown_text(counts),
        "#00897b",
        brief=f"已改 {counts['已改造']} · 在改 {counts['改造中']}",
    )


def _inspection_points(data, as_of) -> Tile:
    points = data["inspection_points"]
    unmeasured = int((points["latest_result"] == "未测评").sum())
    return Tile(
        "测评点位",
        f"{len(points):,}",
        f"{points['point_type'].nunique()} 类；未测评 {unmeasured} 个",
        "#7b1fa2",
        brief=f"{points['point_type'].nunique()} 类 · 未测评 {unmeasured}",
    )


# key → tile; the keys are the ones config/wall_screen.toml may list (geo.wallscreen.FIGURES)
FIGURES = {
    "pass_rate": _pass_rate,
    "open_problems": _open_problems,
    "on_time_rate": _on_time_rate,
    "problems_closed": _problems_closed,
    "parking_progress": _parking_progress,
    "public_toilets": _toilets,
    "markets": _markets,
    "inspection_points": _inspection_points,
}


def tiles(keys: tuple[str, ...], data, as_of: datetime) -> list[Tile]:
    """The tiles named by ``keys`` over ``data`` (frames already filtered to an area)."""
    return [FIGURES[key](data, as_of) for key in keys]
