"""What each importable layer takes from a file, and how real files name those fields.

The fields and their header synonyms come from the layer registry (``registry.py``); this module
adds what only an import needs: longitude/latitude columns for tables of points, and fields
that become records rather than layer attributes (a road section's painted bays become a
painting record). Header names are matched after normalisation (full-width → half-width, case,
spaces and punctuation removed), so "经 度（°）", "Lng" and "LONGITUDE" all find the longitude.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from chuangcheng import registry
from chuangcheng.registry import Field

LON = Field("lon", "经度", "float", synonyms=("经度", "东经", "lng", "lon", "long", "longitude", "x", "x坐标"))
LAT = Field("lat", "纬度", "float", synonyms=("纬度", "北纬", "lat", "latitude", "y", "y坐标"))
COORDINATES = ("lon", "lat")
# Read from files but stored as records, not as layer columns (see store.painting).
RECORD_FIELDS: dict[str, tuple[Field, ...]] = {
    "parking_sections": (
        Field(
            "painted_bays", "已施划泊位", "int", synonyms=("已施划泊位", "已施划", "施划泊位", "已施划数", "painted")
        ),
    ),
}


def _fields(spec: registry.Layer) -> tuple[Field, ...]:
    coords = (LON, LAT) if spec.geometry in ("point", "polygon_or_point") else ()
    return spec.fields + coords + RECORD_FIELDS.get(spec.name, ())


# Read from the registry on each use (a layer registered later is importable at once).
LAYER_FIELDS: Mapping[str, tuple[Field, ...]] = registry.LayerView(_fields, lambda spec: spec.importable)
LAYER_GEOMETRY: Mapping[str, str] = registry.LayerView(lambda spec: spec.geometry, lambda spec: spec.importable)
LAYER_TITLES: Mapping[str, str] = registry.LayerView(lambda spec: spec.title_zh, lambda spec: spec.importable)


def normalise_header(text: object) -> str:
    """Full-width to half-width, lower case, no spaces, brackets, units or punctuation."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    s = re.sub(r"[（(\[【].*?[)）\]】]", "", s)  # "面积（平方米）" -> "面积"
    return re.sub(r"[\s_\-·:：/\\°'\"．.,，、]+", "", s)


def guess_mapping(headers: list[str], layer: str) -> dict[str, str]:
    """{field name: header} for every field whose synonym matches a header (first match wins)."""
    fields = LAYER_FIELDS[layer]
    normalised = {h: normalise_header(h) for h in headers}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field in fields:
        keys = [normalise_header(s) for s in (field.name, field.title_zh, *field.synonyms)]
        for header, norm in normalised.items():
            if header not in taken and norm in keys:
                mapping[field.name] = header
                taken.add(header)
                break
    return mapping


def find_columns(
    raw, headers: dict[str, tuple[str, ...]], required: tuple[str, ...], *, search_rows: int = 15
) -> tuple[int, dict[str, int]] | None:
    """(header row index, {key: column index}) of the first row in the top ``search_rows`` that
    names every ``required`` key by one of its ``headers``; None when no row does."""
    wanted = {key: {normalise_header(n) for n in names} for key, names in headers.items()}
    for i in range(min(search_rows, len(raw))):
        found: dict[str, int] = {}
        for j, cell in enumerate(raw.iloc[i].tolist()):
            if cell is None or (isinstance(cell, float) and cell != cell):
                continue
            norm = normalise_header(cell)
            for key, names in wanted.items():
                if key not in found and norm in names:
                    found[key] = j
        if all(k in found for k in required):
            return i, found
    return None
