"""An existing Excel problem ledger in, the filtered ledger out.

Import reads the header row below any title rows, creates each valid row as a reported (上报)
case, and rejects the others with the row number and reason — nothing valid is lost, nothing
invalid slips in. Export writes the cases with Chinese column names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.workflow import Actor, WorkflowError
from chuangcheng.ingest.export import to_xlsx_bytes
from chuangcheng.ingest.fields import find_columns
from chuangcheng.ingest.importer import check_file, read_raw_table
from chuangcheng.ingest.values import is_blank, parse_number, skip_reason
from chuangcheng.store import ledger as store

HEADERS = {
    "title": ("问题描述", "问题", "标题", "问题标题", "title"),
    "source": ("来源", "问题来源", "source"),
    "category_code": ("类别编码", "部件事件编码", "分类编码", "编码", "category"),
    "lon": ("经度", "lng", "lon"),
    "lat": ("纬度", "lat"),
    "reported_at": ("上报时间", "发现时间", "日期", "reportedat"),
    "description": ("详细说明", "说明", "备注", "description"),
    "point_id": ("点位编号", "测评点位", "pointid"),
}
EXPORT_COLUMNS = {
    "id": "案件编号",
    "title": "问题",
    "category_code": "类别编码",
    "source": "来源",
    "state": "状态",
    "unit": "责任单位",
    "reported_at": "上报时间",
    "dispatched_at": "派遣时间",
    "deadline": "整改期限",
    "closed_at": "结案时间",
    "rework_count": "返工次数",
    "street_code": "街道编码",
    "community_code": "社区编码",
    "grid_code": "网格编码",
    "lon": "经度",
    "lat": "纬度",
}


@dataclass
class LedgerImport:
    created: list[int] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _find_columns(raw: pd.DataFrame) -> tuple[int, dict[str, int]]:
    found = find_columns(raw, HEADERS, ("title", "source"))
    if found is None:
        raise CityDataError("在前 15 行中没有找到表头（至少需要“问题描述”和“来源”两列）。")
    return found


# long: one pass over the rows, each check beside the message it gives
def import_ledger(
    path: Path | str, engine: sa.Engine, actor: Actor, *, now: datetime, locate=None, display_name: str | None = None
) -> LedgerImport:
    """Create a case for each valid row; ``locate(lon, lat)`` fills 区/街道/社区/网格 codes.
    ``display_name`` is the file name the user knows (uploads are stored under another)."""
    path = Path(path)
    shown = display_name or path.name
    check_file(path, shown)
    raw = read_raw_table(path, lambda frame: find_columns(frame, HEADERS, ("title", "source")) is not None, shown)
    header_at, cols = _find_columns(raw)
    with engine.connect() as conn:
        codes = {r[0] for r in conn.execute(sa.text("SELECT code FROM categories"))}
    result = LedgerImport()
    for i in range(header_at + 1, len(raw)):
        row_no = i + 1
        cells = raw.iloc[i].tolist()
        reason = skip_reason(cells)
        if reason:
            result.skipped.append((row_no, reason))
            continue
        get = lambda key: None if key not in cols or is_blank(cells[cols[key]]) else cells[cols[key]]  # noqa: E731
        problems = []
        title = get("title")
        source = str(get("source") or "").strip()
        code = get("category_code")
        code = None if code is None else str(code).strip().split(".")[0].zfill(4)
        if title is None:
            problems.append("问题描述为空")
        if source not in store.SOURCES:
            problems.append(f"来源 “{source}” 应为 {'、'.join(store.SOURCES)} 之一")
        if code is not None and code not in codes:
            problems.append(f"类别编码 “{code}” 不在分类表中")
        lon = lat = None
        try:
            if get("lon") is not None or get("lat") is not None:
                lon, lat = parse_number(get("lon")), parse_number(get("lat"))
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    problems.append("经纬度超出范围")
        except ValueError as exc:
            problems.append(f"坐标{exc}")
        reported = get("reported_at")
        try:
            reported_at = pd.Timestamp(reported).to_pydatetime() if reported is not None else now
        except (ValueError, TypeError):
            problems.append(f"上报时间 “{reported}” 不是日期")
            reported_at = now
        if problems:
            result.rejected.append(
                {
                    "file": shown,
                    "row": row_no,
                    "reason": "；".join(problems),
                    **{str(raw.iloc[header_at, j]): ("" if is_blank(c) else str(c)) for j, c in enumerate(cells)},
                }
            )
            continue
        area = locate(lon, lat) if (locate and lon is not None) else {}
        try:
            cid = store.create_case(
                engine,
                actor,
                title=str(title),
                source=source,
                at=reported_at,
                description=str(get("description") or ""),
                category_code=code,
                lon=lon,
                lat=lat,
                point_id=get("point_id"),
                area=area,
            )
        except WorkflowError as exc:
            result.rejected.append({"file": shown, "row": row_no, "reason": str(exc)})
            continue
        result.created.append(cid)
    return result


def export_ledger(cases: pd.DataFrame) -> bytes:
    """The cases as an Excel workbook with Chinese headers; titles that look like formulas stay text."""
    table = cases[[c for c in EXPORT_COLUMNS if c in cases.columns]].rename(columns=EXPORT_COLUMNS)
    return to_xlsx_bytes(table)
