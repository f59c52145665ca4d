"""Deployment settings read from Streamlit secrets or the environment (never from code)."""

from __future__ import annotations

import os

import streamlit as st


def tianditu_key() -> str | None:
    """The 天地图 browser key: ``[basemaps] tianditu_key`` in secrets, else $TIANDITU_KEY."""
    try:
        key = st.secrets.get("basemaps", {}).get("tianditu_key")
    except FileNotFoundError:  # no secrets.toml (StreamlitSecretNotFoundError subclasses it)
        key = None
    return key or os.environ.get("TIANDITU_KEY") or None
