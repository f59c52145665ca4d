"""The city store: the single source of truth that every page reads and writes.

One SQLite file that is also a GeoPackage by default (``data/store/city.gpkg``), or PostgreSQL +
PostGIS chosen by one URL. It holds the administrative hierarchy, the walking network, roads,
compounds and every mission layer (each versioned), the problem ledger, the inspection and
painting records, accounts, units and the audit trail. See ``store.schema`` for the tables.
"""

from __future__ import annotations

import os

import sqlalchemy as sa

from chuangcheng.paths import DATA_DIR
from chuangcheng.store.db import connect
from chuangcheng.store.migrations import migrate

DEFAULT_PATH = DATA_DIR / "store" / "city.gpkg"
URL_ENV = "CHUANGCHENG_STORE_URL"


def resolve_url(url: str | None = None) -> str:
    """The store to use: the argument, else $CHUANGCHENG_STORE_URL, else the embedded file."""
    return url or os.environ.get(URL_ENV) or f"sqlite:///{DEFAULT_PATH}"


def open_store(url: str | None = None) -> sa.Engine:
    """An engine on the store, with every pending migration applied and the reference tables
    (categories, checklists) loaded."""
    from chuangcheng.store.seed import load_reference_tables

    engine = connect(resolve_url(url))
    migrate(engine)
    load_reference_tables(engine)
    return engine
