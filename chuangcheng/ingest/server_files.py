"""The server's import folder: the only server-side files a page may open.

A city's bulk data (a whole-city ledger, an OSM extract) can be larger than an upload. An
administrator places it in the configured folder (``[import] folder`` in secrets, or
``CHUANGCHENG_IMPORT_DIR``); the 数据导入 page lists what is there for a 系统管理员 to pick —
no one types a path. Every pick is resolved (symbolic links followed) and must still lie inside
the folder, be a regular file and have a supported format; anything else is refused by name.
"""

from __future__ import annotations

from pathlib import Path

from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.workflow import Actor
from chuangcheng.ingest.formats import SUFFIXES
from chuangcheng.store.errors import require

MAX_LISTED = 500


def list_files(folder: Path, actor: Actor) -> list[str]:
    """Supported files under ``folder`` (relative names, sorted); symbolic links that lead
    outside the folder are left out. Only a 系统管理员 may look."""
    require(actor, "layer.import_server_file")
    root = folder.resolve()
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in SUFFIXES or path.name.startswith("."):
            continue
        try:
            resolve(root, str(path.relative_to(root)), actor)
        except CityDataError:
            continue
        found.append(str(path.relative_to(root)))
        if len(found) >= MAX_LISTED:
            break
    return found


def resolve(folder: Path, name: str, actor: Actor) -> Path:
    """The file ``name`` of the import folder, or ``CityDataError`` when it is not one (and
    ``PermissionDenied`` unless ``actor`` is a 系统管理员)."""
    require(actor, "layer.import_server_file")
    root = folder.resolve()
    if "\x00" in name:
        raise CityDataError("文件名无效。")
    target = (root / name).resolve()
    if not target.is_relative_to(root):
        raise CityDataError(f"“{name}” 不在服务器导入目录中，已拒绝。")
    if not target.is_file():
        raise CityDataError(f"服务器导入目录中没有文件 “{name}”。")
    if target.suffix.lower() not in SUFFIXES:
        raise CityDataError(f"不支持的文件类型 “{target.suffix}”（{name}）。")
    return target
