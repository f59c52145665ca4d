"""Uploaded files on the server: written under a content-hash name, never the user's name."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from ingest.export import to_csv_bytes, to_xlsx_bytes  # noqa: F401  (the pages' downloads)
from ingest.importer import TABLE_SUFFIXES, VECTOR_SUFFIXES
from store.errors import RecordError

UPLOAD_DIR = Path(tempfile.gettempdir()) / "chuangcheng-uploads"


def saved_upload(upload, suffixes: tuple[str, ...] = TABLE_SUFFIXES + VECTOR_SUFFIXES) -> Path:
    """The upload saved as ``<sha256 prefix><suffix>``; the suffix must be one of ``suffixes``."""
    data = upload.getvalue()
    suffix = Path(upload.name).suffix.lower()
    if suffix not in suffixes:
        raise RecordError(f"不支持的文件类型 “{suffix}”（文件 {upload.name}），可选：{'、'.join(suffixes)}。")
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    path = UPLOAD_DIR / f"{hashlib.sha256(data).hexdigest()[:16]}{suffix}"
    path.write_bytes(data)
    return path
