"""Remembered column mappings: the next file with the same headers imports the same way.

Stored as JSON ``{"<layer>|<normalised headers>": {field: header}}``; the key ignores header
order, spacing and full/half width, so this month's ledger matches last month's.
"""

from __future__ import annotations

import json
from pathlib import Path

from chuangcheng.ingest.fields import normalise_header


def mapping_key(layer: str, headers: list[str]) -> str:
    return layer + "|" + ",".join(sorted(normalise_header(h) for h in headers))


def load_mapping(path: Path, layer: str, headers: list[str]) -> dict[str, str] | None:
    """The mapping saved for this layer and these headers, if any (headers must still exist)."""
    if not path.exists():
        return None
    try:
        saved = json.loads(path.read_text(encoding="utf-8")).get(mapping_key(layer, headers))
    except (json.JSONDecodeError, OSError):
        return None
    if saved and all(h in headers for h in saved.values()):
        return saved
    return None


def save_mapping(path: Path, layer: str, headers: list[str], mapping: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        table = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except json.JSONDecodeError:
        table = {}
    table[mapping_key(layer, headers)] = mapping
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(table, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
