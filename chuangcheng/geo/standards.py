"""Coverage thresholds, read from a table with their sources (never written in code).

``data/standards.csv`` holds each threshold's value, unit, standard, clause and status
(``verified`` read in the standard's own text, ``secondary`` quoted by a local regulation or
report, ``unverified`` commonly cited). A city overrides any row with a CSV of the same columns
(``CHUANGCHENG_STANDARDS_OVERRIDE`` or ``data/standards_override.csv``); its rows are marked
``city``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from chuangcheng.geo.errors import CityDataError
from chuangcheng.paths import DATA_DIR

STANDARDS_PATH = DATA_DIR / "standards.csv"
OVERRIDE_PATH = DATA_DIR / "standards_override.csv"
OVERRIDE_ENV = "CHUANGCHENG_STANDARDS_OVERRIDE"
COLUMNS = ("key", "what_zh", "value", "unit", "standard", "clause", "status", "note")
STATUSES = {
    "verified": "已核对原文",
    "secondary": "转引",
    "unverified": "未核对",
    "city": "本市规定",
    "user": "用户自定义",
    "convention": "无国家标准",
}


@dataclass(frozen=True)
class Threshold:
    key: str
    what_zh: str
    value: float
    unit: str
    standard: str
    clause: str
    status: str

    def source_text(self) -> str:
        """「GB 55013-2021 … §5.0.1（已核对原文）」 — shown beside every figure that uses it."""
        clause = f" {self.clause}" if self.clause else ""
        return f"{self.standard}{clause}（{STATUSES.get(self.status, self.status)}）"


def _read(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CityDataError(f"无法读取标准阈值表 {path}：{exc}") from exc
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise CityDataError(f"标准阈值表 {path} 缺少列：{', '.join(missing)}。应有的列：{', '.join(COLUMNS)}。")
    for row_no, row in enumerate(table.itertuples(index=False), start=2):  # row 1 is the header
        if not row.key:
            raise CityDataError(f"标准阈值表 {path} 第 {row_no} 行：key 为空。")
        if row.status not in STATUSES:
            raise CityDataError(
                f"标准阈值表 {path} 第 {row_no} 行（{row.key}）：status “{row.status}”"
                f" 无效，应为 {', '.join(STATUSES)} 之一。"
            )
    if table["key"].duplicated().any():
        dup = table.loc[table["key"].duplicated(), "key"].tolist()
        raise CityDataError(f"标准阈值表 {path} 中 key 重复：{', '.join(dup)}。")
    return table[list(COLUMNS)]


def load_standards(path: Path | str | None = None, override_path: Path | str | None = None) -> pd.DataFrame:
    """The thresholds table, with a city's override rows replacing the defaults by key."""
    table = _read(Path(path) if path else STANDARDS_PATH)
    if override_path is None:
        env = os.environ.get(OVERRIDE_ENV)
        override_path = Path(env) if env else (OVERRIDE_PATH if OVERRIDE_PATH.exists() else None)
    if override_path is not None:
        city = _read(Path(override_path)).assign(status="city")
        table = pd.concat([table[~table["key"].isin(city["key"])], city], ignore_index=True)
    return table.set_index("key", drop=False)


def threshold(standards: pd.DataFrame, key: str) -> Threshold:
    """One numeric threshold by key; a range or text value is refused with the row named."""
    if key not in standards.index:
        raise CityDataError(f"标准阈值表中没有 “{key}”。可用的：{', '.join(standards.index)}。")
    row = standards.loc[key]
    try:
        value = float(row["value"])
    except ValueError:
        raise CityDataError(f"阈值 “{key}” 的值 “{row['value']}” 不是单个数字，不能用于计算。") from None
    if not math.isfinite(value) or value <= 0:
        raise CityDataError(f"阈值 “{key}” 的值必须是正数，现为 {row['value']}。")
    return Threshold(
        key=key,
        what_zh=row["what_zh"],
        value=value,
        unit=row["unit"],
        standard=row["standard"],
        clause=row["clause"],
        status=row["status"],
    )
