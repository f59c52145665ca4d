"""An Excel (or CSV) sheet of 实地测评 results in, as inspection records in the store.

One row per checked item, as the 实地考察操作表 is filled in: 点位编号, 测评时间, 项目编码,
结果 (符合/不符合, 达标/不达标, 是/否), and optionally 测评人, 说明 and 是否上报问题. Rows of the
same point and time form one inspection. A row that cannot be read is rejected with its row
number and reason, and so are the other rows of its inspection (an inspection with an unreadable
item would get a wrong result), each saying why — nothing is dropped silently and nothing half
recorded. Failed items open a 问题台账 case unless the sheet says 否.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.workflow import Actor
from chuangcheng.ingest.fields import find_columns
from chuangcheng.ingest.importer import check_file, read_raw_table
from chuangcheng.ingest.values import half_width, is_blank, parse_choice, skip_reason
from chuangcheng.store import inspections
from chuangcheng.store.db import writing
from chuangcheng.store.errors import StoreError

HEADERS = {
    "point_id": ("点位编号", "测评点位编号", "点位代码", "pointid"),
    "inspected_at": ("测评时间", "测评日期", "检查时间", "检查日期", "日期", "时间"),
    "item_code": ("项目编码", "测评项目编码", "项目代码", "条目编码", "itemcode"),
    "result": ("结果", "测评结果", "是否符合", "是否达标", "result"),
    "inspector": ("测评人", "检查人", "测评员", "inspector"),
    "note": ("说明", "备注", "问题描述", "note"),
    "open_case": ("是否上报问题", "上报问题", "是否交办", "opencase"),
}
REQUIRED = ("point_id", "inspected_at", "item_code", "result")
PASS_WORDS = {"符合", "达标", "是", "合格", "√", "✓", "pass", "y", "yes", "1"}
FAIL_WORDS = {"不符合", "不达标", "否", "不合格", "×", "✗", "fail", "n", "no", "0"}


@dataclass
class InspectionImport:
    saved: list[inspections.SavedInspection] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def cases(self) -> int:
        return sum(len(s.case_ids) for s in self.saved)


def _header(raw: pd.DataFrame) -> tuple[int, dict[str, int]]:
    found = find_columns(raw, HEADERS, REQUIRED)
    if found is None:
        raise CityDataError("在前 15 行中没有找到表头（需要“点位编号”“测评时间”“项目编码”“结果”四列）。")
    return found


def _passed(value: object) -> bool:
    try:
        return parse_choice(value, PASS_WORDS, FAIL_WORDS, "符合/不符合（或 达标/不达标、是/否）")
    except ValueError as exc:
        raise ValueError(f"结果{exc}") from None


# long: one pass over the rows, each check beside the message it gives
def import_inspections(  # noqa: C901 — each branch is one reason a row is refused
    path: Path | str,
    engine: sa.Engine,
    actor: Actor,
    *,
    now: datetime,
    areas: dict[str, dict] | None = None,
    display_name: str | None = None,
) -> InspectionImport:
    """Store every inspection the sheet holds; ``areas`` gives each point's 区/街道/社区/网格
    codes for the cases that failed items open."""
    path = Path(path)
    shown = display_name or path.name
    check_file(path, shown)
    raw = read_raw_table(path, lambda frame: find_columns(frame, HEADERS, REQUIRED) is not None, shown)
    out = InspectionImport()
    if raw.empty:
        return out
    header_at, cols = _header(raw)
    groups: dict[tuple[str, datetime | None], list[tuple[int, dict | None]]] = {}
    bad_rows: dict[int, str] = {}
    for i in range(header_at + 1, len(raw)):
        row_no = i + 1
        cells = raw.iloc[i].tolist()
        reason = skip_reason(cells)
        if reason:
            out.skipped.append((row_no, reason))
            continue

        def get(key):
            return None if key not in cols or is_blank(cells[cols[key]]) else cells[cols[key]]

        problems, values = [], {}
        for key in REQUIRED:
            if get(key) is None:
                problems.append(f"{HEADERS[key][0]}为空")
        try:
            values["inspected_at"] = (
                pd.Timestamp(get("inspected_at")).to_pydatetime() if get("inspected_at") is not None else None
            )
        except (ValueError, TypeError):
            problems.append(f"测评时间 “{get('inspected_at')}” 不是日期")
        try:
            values["passed"] = _passed(get("result")) if get("result") is not None else None
        except ValueError as exc:
            problems.append(str(exc))
        open_case = get("open_case")
        values["open_case"] = True if open_case is None else half_width(open_case) not in {"否", "不", "n", "no", "0"}
        values["item_code"] = half_width(get("item_code") or "")
        values["note"] = "" if get("note") is None else str(get("note")).strip()[:500]
        values["inspector"] = None if get("inspector") is None else str(get("inspector")).strip()[:64]
        point_id = half_width(get("point_id") or "")
        if problems:
            bad_rows[row_no] = "；".join(problems)
            out.rejected.append({"file": shown, "row": row_no, "reason": bad_rows[row_no]})
            groups.setdefault((point_id, values.get("inspected_at")), []).append((row_no, None))
            continue
        groups.setdefault((point_id, values["inspected_at"]), []).append((row_no, values))

    for (point_id, when), rows in groups.items():
        broken = [r for r, v in rows if v is None]
        good = [(r, v) for r, v in rows if v is not None]
        if broken:
            for r, _ in good:
                out.rejected.append(
                    {
                        "file": shown,
                        "row": r,
                        "reason": f"同一次测评（{point_id}）的第 "
                        f"{'、'.join(map(str, broken))} 行有误，整次测评未导入，请改正后重新导入",
                    }
                )
            continue
        assert when is not None  # a row without its time is refused above, so its group is broken
        items = [inspections.ItemResult(v["item_code"], v["passed"], v["note"], v["open_case"]) for _, v in good]
        try:
            with writing(engine) as conn:
                saved = inspections.insert_inspection(
                    conn,
                    actor,
                    point_id=point_id,
                    inspected_at=when,
                    items=items,
                    source=f"{shown}",
                    area=(areas or {}).get(point_id),
                    inspector=good[0][1]["inspector"],
                    now=now,
                )
            out.saved.append(saved)
        except StoreError as exc:
            for r, _ in good:
                out.rejected.append({"file": shown, "row": r, "reason": str(exc)})
    out.rejected.sort(key=lambda r: r["row"])
    return out
