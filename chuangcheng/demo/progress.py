"""A generated day-by-day campaign history for the demo city's progress charts (GENERATED).

It ends exactly at the file's current figures: painted bays reach the reported 3,962 on the
as-of date, and problems found minus problems closed equals the open problems at the inspection
points, so a chart and a KPI tile never disagree.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

CAMPAIGN_START = date(2026, 6, 1)


def generate_progress(
    *, as_of: date, painted_total: int, planned_total: int, open_problems: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Columns: date (ISO text), painted_bays, planned_bays, problems_found, problems_closed
    (all cumulative counts)."""
    days = (as_of - CAMPAIGN_START).days + 1
    t = np.linspace(0.0, 1.0, days)
    # Painting starts slowly and speeds up (an S-curve), with day-to-day noise, never going back.
    shape = 1.0 / (1.0 + np.exp(-9.0 * (t - 0.62)))
    shape = np.maximum.accumulate(shape * rng.uniform(0.97, 1.03, days))
    shape = (shape - shape[0]) / (shape[-1] - shape[0])
    painted = np.round(shape * painted_total).astype(np.int64)
    found_daily = rng.poisson(3.2, days)
    found = np.cumsum(found_daily)
    # Cases close a few days after they are found; the last ``open_problems`` stay open.
    target_closed = int(found[-1]) - open_problems
    if target_closed < 0:
        found[-1] += -target_closed
        target_closed = 0
    lag_days = 9
    closed = np.concatenate([np.zeros(lag_days, dtype=np.int64), found[:-lag_days]])
    closed = np.minimum(np.round(closed * target_closed / max(closed[-1], 1)).astype(np.int64), found)
    closed = np.maximum.accumulate(closed)
    closed[-1] = target_closed
    closed = np.minimum(closed, closed[-1])
    return pd.DataFrame(
        {
            "date": [(CAMPAIGN_START + timedelta(days=int(i))).isoformat() for i in range(days)],
            "painted_bays": painted,
            "planned_bays": np.full(days, planned_total, dtype=np.int64),
            "problems_found": found.astype(np.int64),
            "problems_closed": closed,
        }
    )
