"""Photos of cases and inspections, kept in the store itself (one place to back up).

Only JPEG and PNG are accepted, recognised by their first bytes (the file name and the browser's
claimed type are not trusted), each at most ``MAX_PHOTO_BYTES``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa

from chuangcheng.store.errors import RecordError

MAX_PHOTO_BYTES = 10 * 2**20
OWNERS = ("case", "inspection")


def photo_mime(data: bytes) -> str | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    return None


def check_photo(data: bytes, name: str) -> str:
    """The photo's type, or a refusal that names the file."""
    mime = photo_mime(data)
    if mime is None:
        raise RecordError(f"照片 “{name}” 不是 JPG 或 PNG 图片，未保存。")
    if len(data) > MAX_PHOTO_BYTES:
        raise RecordError(f"照片 “{name}” 大于 {MAX_PHOTO_BYTES // 2**20} MB，未保存。")
    return mime


def insert_photos(
    conn: sa.Connection,
    owner_kind: str,
    owner_id: int,
    photos: list[tuple[str, bytes]],
    *,
    actor: str,
    at: datetime | None = None,
) -> int:
    """Store ``(name, bytes)`` photos for a case or an inspection inside the caller's transaction."""
    if owner_kind not in OWNERS:
        raise ValueError(owner_kind)
    rows = [
        {
            "k": owner_kind,
            "o": owner_id,
            "h": hashlib.sha256(data).hexdigest(),
            "m": check_photo(data, name),
            "d": data,
            "at": at or datetime.now(),
            "by": actor,
        }
        for name, data in photos
    ]
    if rows:
        conn.execute(
            sa.text(
                "INSERT INTO photos (owner_kind, owner_id, sha256, mime, data, created_at, created_by) "
                "VALUES (:k, :o, :h, :m, :d, :at, :by)"
            ),
            rows,
        )
    return len(rows)


def read_photos(engine: sa.Engine, owner_kind: str, owner_id: int) -> list[bytes]:
    with engine.connect() as conn:
        rows = (
            conn.execute(
                sa.text("SELECT data FROM photos WHERE owner_kind = :k AND owner_id = :o ORDER BY id"),
                {"k": owner_kind, "o": owner_id},
            )
            .scalars()
            .all()
        )
    return [bytes(r) for r in rows]
