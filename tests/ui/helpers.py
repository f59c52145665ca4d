"""Reading what a page sent to the browser in AppTest: the folium map's script."""

from __future__ import annotations

import json


def map_script(at, index: int = 0) -> str:
    """The JavaScript of the ``index``-th folium map on the page (as streamlit-folium got it)."""
    components = at.get("component_instance")
    return json.loads(components[index].proto.json_args)["script"]


def in_script(script: str, text: str) -> bool:
    """Whether ``text`` (Chinese allowed) appears in the script, which escapes non-ASCII."""
    return json.dumps(text)[1:-1] in script or text in script


def feature_count(script: str) -> int:
    return script.count('"type": "Feature"')


def sign_in_as(at, actor) -> None:
    """Put a signed-in session for ``actor`` into an AppTest, as a sign-in would (the account
    is created in the app's store first when the demo does not have it)."""
    import os

    import sqlalchemy as sa

    from chuangcheng import store
    from chuangcheng.store import accounts
    from chuangcheng.store.db import writing

    engine = store.open_store(os.environ["CHUANGCHENG_STORE_URL"])
    with writing(engine) as conn:
        row = conn.execute(
            sa.text("SELECT session_epoch FROM users WHERE username = :u"), {"u": actor.username}
        ).first()
        if row is None:
            if actor.unit:
                accounts.add_units(conn, [{"name": actor.unit}])
            accounts.insert_user(conn, actor.username, "Test-pass-2026", role=actor.role, unit=actor.unit)
            epoch = 0
        else:
            conn.execute(
                sa.text("UPDATE users SET role = :r, unit = :unit WHERE username = :u"),
                {"r": actor.role, "unit": actor.unit, "u": actor.username},
            )
            epoch = int(row[0])
    engine.dispose()
    at.session_state["session"] = accounts.Session(actor, epoch)


def shown(element) -> str:
    """What a user reads in a markdown element: markdown escapes and HTML entities undone (pages
    escape user strings, so ``坏文件.geojson`` is sent as ``坏文件\\.geojson``)."""
    import html
    import re

    return html.unescape(re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~:])", r"\1", str(element.value)))


def wall_views(page_html: str) -> list[dict]:
    """The carousel views (title, layers, panel HTML …) written into the wall page."""
    start = page_html.index("var views = ") + len("var views = ")
    return json.JSONDecoder().raw_decode(page_html[start:])[0]


def tile_value(panel_html: str, label: str) -> str:
    """The value of the KPI tile called ``label`` in a wall panel."""
    return panel_html.split(f'<div class="k">{label}</div><div class="v">', 1)[1].split("<", 1)[0]
