"""The store for the pages: one engine per server, the city cached per data version and date.

Every page reads through :func:`load_city`. Its cache key is the store's data version (layer
versions and change counters, two tiny queries per run) and the date shown, so a commit, an
inspection or a ledger move made anywhere — this session, another one, another server on the
same PostgreSQL — is picked up on the next run; :func:`live_refresh` makes that next run happen
within seconds on every open page.
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
import streamlit as st

from chuangcheng import registry, store
from chuangcheng.geo.network import WalkNetwork, build_network
from chuangcheng.geo.standards import load_standards
from chuangcheng.store import changes, layers
from chuangcheng.store.city import CityState, layer_versions_at
from chuangcheng.store.city import load_city as _load_city
from chuangcheng.ui.settings import store_url

REFRESH_S = 3.0
_SEEN = "_store_version_shown"


@st.cache_resource(show_spinner="正在打开数据库…")
def _engine(url: str) -> sa.Engine:
    return store.open_store(url)


def engine() -> sa.Engine:
    """The store of this server (migrated on first use)."""
    return _engine(store_url())


def data_version() -> changes.DataVersion:
    return changes.data_version(engine())


def moment(day: date | None) -> datetime | None:
    """The end of ``day`` (its records all count), or None for now."""
    return None if day is None or day >= date.today() else datetime.combine(day, time(23, 59, 59))


@st.cache_resource(max_entries=6, show_spinner="正在读取城市数据…")
def _city(url: str, as_of: datetime | None, today: date, key: tuple, _version: changes.DataVersion) -> CityState:
    return _load_city(_engine(url), as_of, {name: v for name, v in key if name in registry.LAYER_NAMES})


def load_city(day: date | None = None) -> CityState:
    """The city on ``day`` (None or today: now), shared read-only between sessions."""
    as_of = moment(day)
    version = data_version()
    st.session_state[_SEEN] = version.city_key()  # what this run shows; live_refresh watches for more
    versions = tuple(sorted(layer_versions_at(engine(), as_of).items())) if as_of else version.layers
    return _city(store_url(), as_of, date.today(), versions + version.record_counters(), version)


@st.cache_resource(max_entries=2, show_spinner="正在构建步行路网…")
def _network(url: str, nodes_version: int, edges_version: int) -> WalkNetwork:
    frames = layers.read_layers(_engine(url), ["walk_nodes", "walk_edges"])
    return build_network(frames["walk_nodes"], frames["walk_edges"])


def load_network() -> WalkNetwork:
    """The walking graph of the store's current network, built once per network version."""
    version = data_version()
    return _network(store_url(), version.layer("walk_nodes"), version.layer("walk_edges"))


def load_thresholds():
    """The thresholds table (defaults plus the city's overrides); small, read on every run."""
    return load_standards()


def ranking_min_measured() -> tuple[int, str]:
    """(points, source) an area needs inspected to enter a 红黑榜 ranking (``data/standards.csv``)."""
    return _whole_threshold("ranking_min_measured")


def ledger_ranking_min_due() -> tuple[int, str]:
    """(cases, source) a unit needs due to enter the 问题台账's 红黑榜 (``data/standards.csv``)."""
    return _whole_threshold("ledger_ranking_min_due")


def _whole_threshold(key: str) -> tuple[int, str]:
    from chuangcheng.geo.standards import threshold

    rule = threshold(load_thresholds(), key)
    return int(rule.value), rule.source_text()


def live_refresh(interval_s: float = REFRESH_S) -> None:
    """Rerun this page within ``interval_s`` of any change to the store (by anyone).

    The version the page shows is kept in the session (set by :func:`load_city` when the run
    reads the store), not in this run's closure: a timer of the previous run that fires while
    the new run is still drawing then sees the new version and leaves the run alone, so a page
    that takes longer to draw than ``interval_s`` is never interrupted over and over.
    """
    st.session_state.setdefault(_SEEN, data_version().city_key())

    @st.fragment(run_every=interval_s)
    def _watch() -> None:
        now = data_version().city_key()
        if now != st.session_state.get(_SEEN):
            st.session_state[_SEEN] = now  # ask once
            st.session_state["_auto_rerun"] = True  # not the user's activity (ui.auth_gate idle limit)
            st.rerun(scope="app")

    _watch()
