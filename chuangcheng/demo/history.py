"""A generated campaign history for the demo city (GENERATED): inspections, painting, cases.

These are the records the figures are derived from. The history runs from ``campaign_start``
to ``as_of``; its last day matches the real figures the demo reproduces (3,962 bays painted of
19,116 planned on 114 sections). Everything is drawn from the given generator, so the same seed
and dates give the same history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

NEVER_INSPECTED_SHARE = 0.10
OPEN_CASE_SHARE = 0.75  # failed items that an inspector turns into a ledger case


@dataclass(frozen=True)
class InspectionPlan:
    point_id: str
    inspected_at: datetime
    items: tuple[tuple[str, bool, bool], ...]  # (item_code, passed, open a case)


def _campaign_times(
    rng: np.random.Generator, n: int, start: datetime, end: datetime, shape: float = 1.0
) -> list[datetime]:
    """``n`` sorted moments in [start, end]; ``shape`` > 1 crowds them towards the end."""
    span_s = (end - start).total_seconds()
    frac = np.sort(rng.random(n) ** (1.0 / shape))
    return [start + timedelta(seconds=float(f * span_s)) for f in frac]


def inspection_plans(
    points: pd.DataFrame, checklist: pd.DataFrame, *, start: datetime, end: datetime, rng: np.random.Generator
) -> list[InspectionPlan]:
    """Rounds of inspections per point, items passing more often as the campaign goes on."""
    items_by_type = checklist.groupby("point_type")["item_code"].apply(list).to_dict()
    plans = []
    for point_id, ptype in zip(points["point_id"], points["point_type"]):
        if rng.random() < NEVER_INSPECTED_SHARE:
            continue
        rounds = int(min(6, 1 + rng.poisson(1.8)))
        for when in _campaign_times(rng, rounds, start, end - timedelta(hours=6)):
            progress = (when - start) / (end - start)
            p_pass = 0.70 + 0.22 * progress
            items = []
            for code in items_by_type.get(ptype, []):
                passed = bool(rng.random() < p_pass)
                items.append((code, passed, (not passed) and bool(rng.random() < OPEN_CASE_SHARE)))
            if items:
                plans.append(InspectionPlan(point_id, when.replace(microsecond=0), tuple(items)))
    return sorted(plans, key=lambda p: (p.inspected_at, p.point_id))


def paint_records(sections: pd.DataFrame, *, start: datetime, end: datetime, rng: np.random.Generator) -> pd.DataFrame:
    """Painting records whose sum per section is its ``painted_bays`` at ``end``; painting
    speeds up over the campaign (more records late), as painting crews were added."""
    rows = []
    for section_id, total in zip(sections["section_id"], sections["painted_bays"]):
        total = int(total)
        if total == 0:
            continue
        n = int(min(total, 1 + rng.poisson(1.5)))
        cuts = np.sort(rng.choice(np.arange(1, total), n - 1, replace=False)) if n > 1 else np.array([], int)
        parts = np.diff(np.concatenate([[0], cuts, [total]]))
        for when, bays in zip(_campaign_times(rng, n, start, end, shape=2.2), parts):
            rows.append({"section_id": section_id, "painted_on": when.date(), "bays": int(bays)})
    frame = pd.DataFrame(rows, columns=["section_id", "painted_on", "bays"])
    return frame.sort_values(["painted_on", "section_id"], kind="stable").reset_index(drop=True)
