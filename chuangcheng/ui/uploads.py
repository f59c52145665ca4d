"""Uploaded files on the server: written under a content-hash name, never the user's name."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from chuangcheng.ingest.export import to_csv_bytes, to_xlsx_bytes  # noqa: F401  (the pages' downloads)
from chuangcheng.ingest.importer import TABLE_SUFFIXES, VECTOR_SUFFIXES
from chuangcheng.store.errors import RecordError

UPLOAD_DIR = Path(tempfile.gettempdir()) / "chuangcheng-uploads"
# The browser shows only a status code when server.py refuses an upload; say what it means.
UPLOAD_HELP = (
    "上传后若显示 status code 403：需以有导入或上报权限的账号登录（或登录已超时，请重新登录）；"
    "显示 503：服务器暂存的上传文件已满，请稍后再试，大文件请由系统管理员放入服务器导入目录。"
)


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
