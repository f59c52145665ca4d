"""Deployment settings, read from Streamlit secrets or the environment (never from code).

| setting | secrets.toml | environment |
|---|---|---|
| the store | ``[store] url`` | ``CHUANGCHENG_STORE_URL`` (default: ``data/store/city.gpkg``; read by ``store.resolve_url``, which the command line shares) |
| the project folder (data, config, static files) | — | ``CHUANGCHENG_HOME`` (default: the checkout; ``paths.py``) |
| the city's own thresholds | — | ``CHUANGCHENG_STANDARDS_OVERRIDE`` (default: ``data/standards_override.csv``; ``geo/standards.py``) |
| 天地图 key | ``[basemaps] tianditu_key`` | ``TIANDITU_KEY`` |
| every page behind sign-in | ``[auth] require_sign_in`` (always, when listening beyond loopback) | ``CHUANGCHENG_REQUIRE_SIGN_IN=1`` |
| open demonstration mode | ``[auth] demo_mode`` | ``CHUANGCHENG_DEMO_MODE=1`` |
| the wall screen open without sign-in | ``[auth] wall_without_sign_in`` | ``CHUANGCHENG_WALL_OPEN=1`` (default off) |
| the server's import folder (bulk files, 系统管理员) | ``[import] folder`` | ``CHUANGCHENG_IMPORT_DIR`` |
| reverse proxies (their X-Forwarded-For is believed) | ``[auth] trusted_proxies`` | ``CHUANGCHENG_TRUSTED_PROXIES`` |
| SSO user header, trusted only from the proxy | ``[auth] sso_header``, ``sso_secret_header`` + ``sso_secret``, or ``trusted_proxies`` | ``CHUANGCHENG_SSO_*`` |
| password and session policy | ``[security] min_length``, ``max_age_days``, ``lockout_failures``, ``lockout_minutes``, ``idle_minutes`` … | ``CHUANGCHENG_<NAME>`` |

The policy and the wall-screen flag can also be changed by a 系统管理员 on the 账号与权限 page;
those values are kept in the store (``store.settings``, audited, bounded by 等保 2.0) and win.
"""

from __future__ import annotations

import os

import streamlit as st

from chuangcheng import store
from chuangcheng.paths import USER_DIR


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
    """(sign-in asked for in the settings, the wall screen exempt); see :func:`sign_in_needed`."""
    required = _secret("auth", "require_sign_in")
    if required is None:
        required = os.environ.get("CHUANGCHENG_REQUIRE_SIGN_IN")
    wall_open = _stored_settings().get("wall_without_sign_in")
    if wall_open is None:
        wall_open = _secret("auth", "wall_without_sign_in")
    if wall_open is None:
        wall_open = os.environ.get("CHUANGCHENG_WALL_OPEN")
    return _flag(required, False), _flag(wall_open, False)


def trusted_proxies() -> tuple[str, ...]:
    """Addresses of the reverse proxies in front of the server (``[auth] trusted_proxies`` /
    CHUANGCHENG_TRUSTED_PROXIES, comma separated): only their X-Forwarded-For is believed, and
    only they may pass a single-sign-on header."""
    proxies = _secret("auth", "trusted_proxies") or os.environ.get("CHUANGCHENG_TRUSTED_PROXIES", "")
    if isinstance(proxies, str):
        proxies = proxies.split(",")
    return tuple(p.strip() for p in proxies if str(p).strip())


def forwarded_client(peer: str | None, forwarded_for: str | None, proxies: tuple[str, ...]) -> str | None:
    """The client's address: the peer's, unless the peer is a trusted proxy, in which case the
    nearest address in X-Forwarded-For that is not itself a trusted proxy (a client can put
    anything at the start of that header, but not at its end)."""
    if peer not in proxies or not forwarded_for:
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if hop not in proxies:
            return hop[:64]
    return peer


def peer_address() -> str | None:
    """The address of whatever opened the connection (the proxy, when there is one)."""
    try:
        peer = st.context.ip_address
    except Exception:  # outside a request (CLI): no address  # noqa: BLE001
        return None
    return peer if isinstance(peer, str) else None  # AppTest has no request


def client_address() -> str | None:
    """The address the request came from (for the audit log and sign-in throttling)."""
    peer = peer_address()
    if peer is None:
        return None
    return forwarded_client(peer, st.context.headers.get("X-Forwarded-For"), trusted_proxies())


def import_folder():
    """The server's import folder for bulk files (``[import] folder`` / CHUANGCHENG_IMPORT_DIR),
    or None when none is configured."""
    from pathlib import Path

    folder = _secret("import", "folder") or os.environ.get("CHUANGCHENG_IMPORT_DIR")
    return Path(folder) if folder else None


def setup_code_path():
    """Where the server keeps the first start's setup code (readable by the server's user only)."""
    return USER_DIR / "first-admin-code.txt"


def demo_mode() -> bool:
    """The explicit open mode of a demonstration (``[auth] demo_mode`` / CHUANGCHENG_DEMO_MODE=1):
    pages can be browsed without signing in even when the server listens on the network."""
    value = _secret("auth", "demo_mode")
    return _flag(value if value is not None else os.environ.get("CHUANGCHENG_DEMO_MODE"), False)


def listens_beyond_loopback() -> bool:
    address = (st.get_option("server.address") or "").strip()
    return address not in ("127.0.0.1", "localhost", "::1")


def sign_in_needed() -> bool:
    """Whether every page needs a signed-in user: on by default whenever the server listens
    beyond loopback; only demo mode (or an explicit ``require_sign_in = false`` on a server
    bound to loopback) runs it open."""
    if demo_mode():
        return False
    if listens_beyond_loopback():
        return True
    required, _ = sign_in_required()
    return required


def sso_trust() -> tuple[str | None, str | None, tuple[str, ...]]:
    """(secret header name, its expected value, trusted proxy addresses) for the SSO header."""
    header = _secret("auth", "sso_secret_header") or os.environ.get("CHUANGCHENG_SSO_SECRET_HEADER")
    secret = _secret("auth", "sso_secret") or os.environ.get("CHUANGCHENG_SSO_SECRET")
    return header, secret, trusted_proxies()


def _stored_settings() -> dict:
    """The settings a 系统管理员 saved in the store (``store.settings``); they win over files."""
    from chuangcheng.store.settings import read_settings
    from chuangcheng.ui.data import engine

    try:
        return read_settings(engine())
    except Exception:  # a store not reachable yet: the deployment's values still apply  # noqa: BLE001
        return {}


def security_policy():
    """The password and session policy: the store's settings, else ``[security]`` in secrets or
    ``CHUANGCHENG_<NAME>``, else the 等保 2.0 defaults."""
    from chuangcheng.store.auth import DEFAULT_POLICY, Policy

    section = {}
    try:
        section = dict(st.secrets.get("security", {}))
    except FileNotFoundError:
        pass
    names = set(Policy.__dataclass_fields__)
    values = {k: v for k, v in section.items() if k in names}
    for name in names:
        env = os.environ.get(f"CHUANGCHENG_{name.upper()}")
        if env is not None:
            values[name] = type(getattr(DEFAULT_POLICY, name))(env)
    values.update({k: v for k, v in _stored_settings().items() if k in names})
    return Policy(**values) if values else DEFAULT_POLICY
