"""The wall-screen configuration file (``config/wall_screen.toml``): read and checked.

A city edits the file, not code: title, carousel interval, refresh period, which KPI tiles and
charts, and the rotating views. Errors name the file, the entry and what is allowed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from chuangcheng.geo.areas import AreaFilter
from chuangcheng.geo.errors import CityDataError
from chuangcheng.paths import CONFIG_DIR

WALL_CONFIG_PATH = CONFIG_DIR / "wall_screen.toml"

FIGURES = (
    "pass_rate",
    "open_problems",
    "parking_progress",
    "public_toilets",
    "markets",
    "inspection_points",
    "problems_closed",
    "on_time_rate",
)
CHARTS = ("parking_progress", "problems")
# A coverage view of the wall, and the facility layer whose walking coverage it shows.
COVERAGE_THEMES = {"toilet_coverage": "public_toilets", "market_coverage": "markets"}
THEMES = ("inspection_points", *COVERAGE_THEMES, "parking")
VIEW_KINDS = ("city", "districts", "streets", "theme")
LEGEND_MODES = ("open", "collapsed")
BANDS = ("5min", "10min", "15min", "standard")
MIN_INTERVAL_S = 0.2


@dataclass(frozen=True)
class ViewSpec:
    kind: str
    title: str = ""
    theme: str = ""
    band: str = "standard"
    district: str = ""  # for kind "streets": only this district's 街道 (its adcode); "" = all


@dataclass(frozen=True)
class WallConfig:
    title: str
    interval_s: float
    refresh_s: float
    figures: tuple[str, ...]
    charts: tuple[str, ...]
    views: tuple[ViewSpec, ...]
    legend: str = "open"


@dataclass(frozen=True)
class WallView:
    """One view of the carousel as shown: the city, a theme over the city, one 区 or one 街道."""

    kind: str  # "city" | "theme" | "district" | "street"
    title: str
    theme: str = ""
    band: str = "standard"
    district_code: str | None = None
    street_code: str | None = None

    @property
    def area(self) -> AreaFilter:
        return AreaFilter(district_code=self.district_code, street_code=self.street_code)


def expand_views(config: WallConfig, districts: pd.DataFrame, streets: pd.DataFrame) -> list[WallView]:
    """The configured views with "districts" and "streets" expanded to one view per area, in
    code order (the order every page lists areas in)."""
    out: list[WallView] = []
    for spec in config.views:
        if spec.kind == "city":
            out.append(WallView("city", spec.title or "全市总览"))
        elif spec.kind == "theme":
            out.append(WallView("theme", spec.title or spec.theme, theme=spec.theme, band=spec.band))
        elif spec.kind == "districts":
            for row in districts.sort_values("district_code").itertuples():
                out.append(WallView("district", str(row.district_name), district_code=str(row.district_code)))
        else:
            chosen = streets if not spec.district else streets[streets["district_code"] == spec.district]
            for row in chosen.sort_values("street_code").itertuples():
                out.append(
                    WallView(
                        "street",
                        str(row.street_name),
                        district_code=str(row.district_code),
                        street_code=str(row.street_code),
                    )
                )
    return out


def _choice(path: Path, where: str, value, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise CityDataError(f"大屏配置 {path} 中 {where} 的值 “{value}” 无效，可选：{', '.join(allowed)}。")
    return value


def _positive(path: Path, key: str, value) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < MIN_INTERVAL_S:
        raise CityDataError(f"大屏配置 {path} 中 {key} 应为不小于 {MIN_INTERVAL_S} 的秒数，现为 “{value}”。")
    return float(value)


def load_wall_config(path: Path | str | None = None) -> WallConfig:
    """Read and check the wall-screen configuration."""
    path = Path(path) if path else WALL_CONFIG_PATH
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CityDataError(f"找不到大屏配置文件 {path}。") from None
    except tomllib.TOMLDecodeError as exc:
        raise CityDataError(f"大屏配置 {path} 格式有误：{exc}") from exc
    views = []
    for i, view in enumerate(raw.get("views", []), start=1):
        kind = _choice(path, f"第 {i} 个 [[views]] 的 kind", view.get("kind"), VIEW_KINDS)
        theme = view.get("theme", "")
        if kind == "theme":
            _choice(path, f"第 {i} 个 [[views]] 的 theme", theme, THEMES)
        band = _choice(path, f"第 {i} 个 [[views]] 的 band", view.get("band", "standard"), BANDS)
        district = str(view.get("district", ""))
        if district and not (district.isdigit() and len(district) == 6):
            raise CityDataError(
                f"大屏配置 {path} 中第 {i} 个 [[views]] 的 district 应为 6 位行政区划代码，现为 “{district}”。"
            )
        views.append(ViewSpec(kind=kind, title=str(view.get("title", "")), theme=theme, band=band, district=district))
    if not views:
        raise CityDataError(f"大屏配置 {path} 中至少需要一个 [[views]]。")
    return WallConfig(
        title=str(raw.get("title", "创城作战挂图")),
        interval_s=_positive(path, "interval_s", raw.get("interval_s", 20)),
        refresh_s=_positive(path, "refresh_s", raw.get("refresh_s", 300)),
        figures=tuple(_choice(path, "figures", f, FIGURES) for f in raw.get("figures", FIGURES[:6])),
        charts=tuple(_choice(path, "charts", c, CHARTS) for c in raw.get("charts", CHARTS)),
        views=tuple(views),
        legend=_choice(path, "legend", raw.get("legend", "open"), LEGEND_MODES),
    )
