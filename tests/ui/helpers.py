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
