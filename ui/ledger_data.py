"""The ledger database for the pages: URL from configuration, created and seeded on first use."""

from __future__ import annotations

import os
from datetime import datetime

import sqlalchemy as sa
import streamlit as st

from geo import citydata
from geo.ledger.seed import ensure_ledger

DEFAULT_URL = f"sqlite:///{citydata.PROJECT_ROOT / 'data' / 'demo' / 'ledger.sqlite'}"


def _secret(section: str, key: str):
    try:
        return st.secrets.get(section, {}).get(key)
    except FileNotFoundError:
        return None


def ledger_url() -> str:
    """``[ledger] url`` in secrets, else $CHUANGCHENG_LEDGER_URL, else SQLite next to the demo data."""
    return _secret("ledger", "url") or os.environ.get("CHUANGCHENG_LEDGER_URL") or DEFAULT_URL


def sso_header() -> str | None:
    return _secret("auth", "sso_header") or os.environ.get("CHUANGCHENG_SSO_HEADER")


def sign_in_required() -> tuple[bool, bool]:
    """(every page needs sign-in, the wall screen is exempt): ``[auth] require_sign_in`` /
    ``wall_without_sign_in`` in secrets or $CHUANGCHENG_REQUIRE_SIGN_IN / $CHUANGCHENG_WALL_OPEN."""
    required = _secret("auth", "require_sign_in")
    if required is None:
        required = os.environ.get("CHUANGCHENG_REQUIRE_SIGN_IN", "") in ("1", "true", "yes")
    wall_open = _secret("auth", "wall_without_sign_in")
    if wall_open is None:
        wall_open = os.environ.get("CHUANGCHENG_WALL_OPEN", "1") in ("1", "true", "yes")
    return bool(required), bool(wall_open)


@st.cache_resource(show_spinner="正在打开问题台账数据库…")
def _engine(url: str, city_path: str, as_of: str) -> sa.Engine:
    points = citydata.read_layer("inspection_points", city_path)
    return ensure_ledger(url, points, as_of=datetime.fromisoformat(as_of))


def ledger_engine(as_of: datetime) -> sa.Engine:
    return _engine(ledger_url(), str(citydata.resolve_path()), as_of.isoformat())
