"""The whole city as the pages see it on a date: the store's layers and records, assembled.

Layers are read at the version that was current on that date (``layer_versions.effective_at``),
records are replayed up to it (``geo.cityview``). ``as_of=None`` means now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from chuangcheng import registry
from chuangcheng.geo import cityview
from chuangcheng.store import changes, inspections, layers, ledger, painting
from chuangcheng.store.meta import read_meta


@dataclass(frozen=True, eq=False)
class CityState:
    frames: dict[str, pd.DataFrame]
    meta: dict[str, str]
    as_of: datetime
    layer_versions: dict[str, int]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    @property
    def generated(self) -> bool:
        return self.meta.get("generated") == "true"


def layer_versions_at(engine: sa.Engine, as_of: datetime | None) -> dict[str, int]:
    """The version of every layer on ``as_of`` (None: the current ones)."""
    if as_of is None:
        return dict(changes.data_version(engine).layers)
    return {name: layers.version_at(layers.versions(engine, name), as_of) for name in registry.LAYER_NAMES}


def campaign_start(meta: dict[str, str], events: pd.DataFrame, paint: pd.DataFrame, as_of: datetime) -> datetime:
    """When the progress charts begin: the store's campaign start, else the first record."""
    if meta.get("campaign_start"):
        return datetime.fromisoformat(meta["campaign_start"])
    firsts = [
        pd.Timestamp(x).to_pydatetime() for x in (events["at"].min(), paint["painted_on"].min()) if not pd.isna(x)
    ]
    return min(firsts) if firsts else as_of


def load_city(engine: sa.Engine, as_of: datetime | None = None, versions: dict[str, int] | None = None) -> CityState:
    """The assembled city on ``as_of`` (None: now)."""
    moment = as_of or datetime.now()
    versions = versions if versions is not None else layer_versions_at(engine, as_of)
    raw = layers.read_layers(engine, registry.LAYER_NAMES, versions)
    found, items = inspections.read_inspections(engine)
    cases = ledger.read_cases(engine)
    events = ledger.read_events(engine)
    paint = painting.read_paint_records(engine)
    meta = read_meta(engine)
    frames = cityview.assemble(
        raw,
        inspections=found,
        cases=cases,
        events=events,
        paint=paint,
        as_of=moment,
        start=campaign_start(meta, events, paint, moment),
    )
    frames["inspection_items"] = items
    frames["events"] = events[events["at"] <= pd.Timestamp(moment)]
    return CityState(frames, meta, moment, versions)
