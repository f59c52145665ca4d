"""Deployment settings, read from Streamlit secrets or the environment (never from code).

| setting | secrets.toml | environment |
|---|---|---|
| the store | ``[store] url`` | ``CHUANGCHENG_STORE_URL`` (default: ``data/store/city.gpkg``) |
| 天地图 key | ``[basemaps] tianditu_key`` | ``TIANDITU_KEY`` |
| every page behind sign-in | ``[auth] require_sign_in`` | ``CHUANGCHENG_REQUIRE_SIGN_IN=1`` |
| the wall screen stays open | ``[auth] wall_without_sign_in`` | ``CHUANGCHENG_WALL_OPEN`` (default 1) |
| SSO user header | ``[auth] sso_header`` | ``CHUANGCHENG_SSO_HEADER`` |
"""

from __future__ import annotations

import os

import streamlit as st

import store


def _secret(section: str, key: str):
    try:
        return st.secrets.get(section, {}).get(key)
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError subclasses it)
        return None


def _flag(value, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def store_url() -> str:
    return store.resolve_url(_secret("store", "url"))


def tianditu_key() -> str | None:
    """The 天地图 browser key: ``[basemaps] tianditu_key`` in secrets, else $TIANDITU_KEY."""
    return _secret("basemaps", "tianditu_key") or os.environ.get("TIANDITU_KEY") or None


def sso_header() -> str | None:
    return _secret("auth", "sso_header") or os.environ.get("CHUANGCHENG_SSO_HEADER")


def sign_in_required() -> tuple[bool, bool]:
    """(every page needs sign-in, the wall screen is exempt)."""
    required = _secret("auth", "require_sign_in")
    if required is None:
        required = os.environ.get("CHUANGCHENG_REQUIRE_SIGN_IN")
    wall_open = _secret("auth", "wall_without_sign_in")
    if wall_open is None:
        wall_open = os.environ.get("CHUANGCHENG_WALL_OPEN")
    return _flag(required, False), _flag(wall_open, True)


def client_address() -> str | None:
    """The address the request came from (for the audit log and sign-in throttling)."""
    try:
        return st.context.ip_address
    except Exception:  # outside a request (AppTest, CLI): no address  # noqa: BLE001
        return None
