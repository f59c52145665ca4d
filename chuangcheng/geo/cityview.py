"""The city as the pages see it on a given date, derived from the store's layers and records.

Nothing here is stored: a 测评点位's latest result and date come from its inspections, its open
problems from the problem-ledger cases linked to it, a road section's painted bays from its
painting records, a case's state from its events, and every feature's 区/街道/社区/网格 from
where it lies. Replaying the records up to a date gives the state on that date, so a date in the
past shows what the city looked like then.

All frames are EPSG:4326; dates are naive local datetimes; ``as_of`` includes the whole of the
moment given (records at exactly ``as_of`` count).
"""

from __future__ import annotations

import json
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd

from chuangcheng.geo.admin import locate_in_grids
from chuangcheng.geo.crs import local_metric_crs
from chuangcheng.geo.workflow import FINAL_STATES, PARKED

NOT_MEASURED = "未测评"
DISTRICT_LEVEL = "district"
LEVELS = ("district", "street", "community", "grid")
LEVEL_TITLES = {"city": "市", "district": "区", "street": "街道", "community": "社区", "grid": "网格"}
# Located layers get these columns; codes are strings, names Chinese.
AREA_COLUMNS = (
    "district_code",
    "district_name",
    "street_code",
    "street_name",
    "community_code",
    "community_name",
    "grid_code",
    "grid_name",
)


# ------------------------------------------------------------------------------- the hierarchy


def hierarchy(
    admin: gpd.GeoDataFrame, streets: gpd.GeoDataFrame, communities: gpd.GeoDataFrame, grids: gpd.GeoDataFrame
) -> dict[str, gpd.GeoDataFrame]:
    """Each level with the codes and names of every level above it, and its area in m².

    ``admin`` holds the 市 and 区 outlines (``adcode``, ``name``, ``level``); streets name their
    ``district_code``, communities their ``street_code``, grids their ``community_code``.
    """
    districts = admin[admin["level"] == "district"].rename(
        columns={"adcode": "district_code", "name": "district_name"}
    )[["district_code", "district_name", "geometry"]]
    d_names = dict(zip(districts["district_code"], districts["district_name"]))
    s = streets.assign(district_name=streets["district_code"].map(d_names))
    s_info = s.set_index("street_code")[["street_name", "district_code", "district_name"]]
    c = communities.join(s_info, on="street_code")
    c_info = c.set_index("community_code")[
        ["community_name", "street_code", "street_name", "district_code", "district_name"]
    ]
    g = grids.join(c_info, on="community_code")
    out = {"districts": districts, "streets": s, "communities": c, "grids": g}
    metric = local_metric_crs(admin) if len(admin) else None
    for name, frame in out.items():
        area = frame.to_crs(metric).geometry.area if metric and len(frame) else pd.Series(dtype=float)
        out[name] = frame.assign(area_m2=np.round(area.to_numpy(), 1) if len(frame) else [])
    return out


def locate(features: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``features`` with the area columns of the 网格 its representative point lies in
    (missing outside every grid). ``grids`` as returned by :func:`hierarchy`."""
    base = features.drop(columns=[c for c in AREA_COLUMNS if c in features.columns])
    if base.empty:
        return base.assign(**{c: pd.Series(dtype=object) for c in AREA_COLUMNS})
    where = locate_in_grids(base, grids)
    extra = grids.set_index("grid_code")[["district_code", "district_name"]]
    where = where.join(extra, on="grid_code")
    return base.join(where[list(AREA_COLUMNS)])


def population_by(compounds: pd.DataFrame, frame: pd.DataFrame, code: str) -> np.ndarray:
    totals = compounds.groupby(code)["population"].sum()
    return frame[code].map(totals).fillna(0).astype(np.int64).to_numpy()


# ------------------------------------------------------------------------------- the ledger


def _deadline_and_unit(extra: pd.Series) -> pd.DataFrame:
    parsed = [json.loads(x) if isinstance(x, str) and x else {} for x in extra]
    return pd.DataFrame(
        {
            "unit": [p.get("unit") for p in parsed],
            # ISO 8601 with or without fractions of a second (a page's deadline has them)
            "deadline": pd.to_datetime([p.get("deadline") for p in parsed], format="ISO8601"),
        },
        index=extra.index,
    )


def cases_as_of(cases: pd.DataFrame, events: pd.DataFrame, as_of: datetime) -> pd.DataFrame:
    """Each case reported by ``as_of`` as it stood then, replayed from its events.

    Returns the ``cases`` columns with ``state``, ``unit``, ``deadline``, ``dispatched_at``,
    ``closed_at``, ``rework_count``, ``fixed_count``, ``parked_from`` and ``version`` as of that
    moment. With ``as_of`` after the last event this equals the cases table itself.
    """
    seen = events[events["at"] <= pd.Timestamp(as_of)].sort_values(["case_id", "at", "id"])
    reported = cases[cases["id"].isin(seen.loc[seen["action"] == "report", "case_id"])]
    out = reported.set_index("id")
    grouped = seen.groupby("case_id")
    last = grouped.last()
    out["state"] = last["to_state"].reindex(out.index)
    out["version"] = grouped.size().reindex(out.index).astype(np.int64)
    for action, column in (("verify_fail", "rework_count"), ("report_fix", "fixed_count")):
        counts = seen[seen["action"] == action].groupby("case_id").size()
        out[column] = counts.reindex(out.index, fill_value=0).astype(np.int64)
    dispatch = seen[seen["action"] == "dispatch"].groupby("case_id").last()
    terms = _deadline_and_unit(dispatch["extra"]) if len(dispatch) else pd.DataFrame(columns=["unit", "deadline"])
    out["dispatched_at"] = dispatch["at"].reindex(out.index)
    out["deadline"] = pd.to_datetime(terms["deadline"].reindex(out.index))
    out["unit"] = terms["unit"].reindex(out.index).astype(object).where(out["dispatched_at"].notna(), None)
    closed = seen[seen["action"] == "verify_pass"].groupby("case_id")["at"].last()
    out["closed_at"] = closed.reindex(out.index).where(out["state"] == "结案")
    parked = seen[seen["action"] == "park"].groupby("case_id")["from_state"].last()
    out["parked_from"] = parked.reindex(out.index).where(out["state"] == PARKED)
    return out.reset_index()


def is_open(cases: pd.DataFrame) -> pd.Series:
    """Cases not yet 结案, 作废 or 不予立案 (挂账 and 上报 count as open: nothing is fixed)."""
    return ~cases["state"].isin(FINAL_STATES)


# ------------------------------------------------------------------------------- points, sections


def points_as_of(
    points: gpd.GeoDataFrame, inspections: pd.DataFrame, cases_then: pd.DataFrame, as_of: datetime
) -> gpd.GeoDataFrame:
    """Points with ``latest_result`` (达标/不达标/未测评), ``latest_check_date`` (ISO date or
    None), ``inspections`` (how many by then), ``open_problems`` (open linked cases) and
    ``problem_summary`` (their titles)."""
    done = inspections[inspections["inspected_at"] <= pd.Timestamp(as_of)].sort_values(["inspected_at", "id"])
    latest = done.groupby("point_id").last()
    ids = points["point_id"]
    result = latest["result"].reindex(ids.to_numpy()).fillna(NOT_MEASURED)
    dates = latest["inspected_at"].reindex(ids.to_numpy())
    linked = cases_then[is_open(cases_then) & cases_then["point_id"].notna()]
    open_counts = linked.groupby("point_id").size()
    summaries = linked.groupby("point_id")["title"].agg(
        lambda titles: "；".join(str(t).split("：", 1)[-1] for t in titles)
    )
    return points.assign(
        latest_result=result.to_numpy(),
        latest_check_date=[None if pd.isna(d) else d.date().isoformat() for d in dates],
        inspections=ids.map(done.groupby("point_id").size()).fillna(0).astype(np.int64).to_numpy(),
        open_problems=ids.map(open_counts).fillna(0).astype(np.int64).to_numpy(),
        problem_summary=ids.map(summaries).astype(object).fillna("").to_numpy(),
    )


def painted_as_of(sections: gpd.GeoDataFrame, records: pd.DataFrame, as_of: datetime) -> gpd.GeoDataFrame:
    """Sections with ``painted_bays`` = the sum of their painting records up to ``as_of``."""
    done = records[records["painted_on"] <= pd.Timestamp(as_of)]
    totals = done.groupby("section_id")["bays"].sum()
    return sections.assign(painted_bays=sections["section_id"].map(totals).fillna(0).astype(np.int64).to_numpy())


def line_lengths_m(lines: gpd.GeoDataFrame) -> np.ndarray:
    if lines.empty:
        return np.zeros(0)
    return np.round(lines.to_crs(local_metric_crs(lines)).geometry.length.to_numpy(), 1)


# ------------------------------------------------------------------------------- progress


def daily_progress(
    records: pd.DataFrame, events: pd.DataFrame, *, planned_bays: int, start: datetime, end: datetime
) -> pd.DataFrame:
    """Cumulative counts per day from ``start`` to ``end`` (both dates included): painted bays
    (from painting records), problems found (cases reported) and problems finished (cases that
    reached 结案, 作废 or 不予立案), so found − finished = open on every day."""
    days = pd.date_range(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize(), freq="D")

    def cumulative(when: pd.Series, weights: pd.Series | None = None) -> np.ndarray:
        day = pd.to_datetime(when, format="ISO8601").dt.normalize()
        before = day < days[0] if len(days) else day.astype(bool)
        w = pd.Series(1, index=day.index) if weights is None else weights
        counts = w[~before].groupby(day[~before]).sum().reindex(days, fill_value=0)
        return int(w[before].sum()) + np.cumsum(counts.to_numpy()).astype(np.int64)

    reported = events[events["action"] == "report"]
    finished = events[events["to_state"].isin(FINAL_STATES)]
    return pd.DataFrame(
        {
            "date": [d.date().isoformat() for d in days],
            "painted_bays": cumulative(records["painted_on"], records["bays"]),
            "planned_bays": np.full(len(days), int(planned_bays), dtype=np.int64),
            "problems_found": cumulative(reported["at"]),
            "problems_closed": cumulative(finished["at"]),
        }
    )


# ------------------------------------------------------------------------------- the whole city


def assemble(
    raw: dict[str, gpd.GeoDataFrame],
    *,
    inspections: pd.DataFrame,
    cases: pd.DataFrame,
    events: pd.DataFrame,
    paint: pd.DataFrame,
    as_of: datetime,
    start: datetime,
) -> dict[str, pd.DataFrame]:
    """Every frame the pages draw, as of ``as_of``, from the store's layers and records.

    ``raw`` holds the registry's layers as stored. The result has the same layers — located in
    the hierarchy, points with their results and open problems, sections with their painted
    bays — plus ``districts``, ``cases`` (replayed to ``as_of``) and ``progress`` (daily
    cumulative figures from ``start``).
    """
    from chuangcheng import registry

    levels = hierarchy(raw["admin_boundaries"], raw["streets"], raw["communities"], raw["grids"])
    out: dict[str, pd.DataFrame] = dict(raw)
    out.update(levels)
    grids = levels["grids"]
    for spec in registry.LAYERS:
        if spec.located and spec.name in raw:
            out[spec.name] = locate(raw[spec.name], grids)
    compounds = out["compounds"]
    for name, code in (
        ("districts", "district_code"),
        ("streets", "street_code"),
        ("communities", "community_code"),
        ("grids", "grid_code"),
    ):
        out[name] = out[name].assign(population=population_by(compounds, out[name], code))
    cases_then = cases_as_of(cases, events, as_of)
    out["cases"] = cases_then
    out["inspection_points"] = points_as_of(out["inspection_points"], inspections, cases_then, as_of)
    sections = painted_as_of(out["parking_sections"], paint, as_of)
    out["parking_sections"] = sections.assign(length_m=line_lengths_m(sections))
    out["progress"] = daily_progress(
        paint,
        events[events["at"] <= pd.Timestamp(as_of)],
        planned_bays=int(sections["planned_bays"].fillna(0).sum()),
        start=start,
        end=as_of,
    )
    return out
