"""Cleaning cell values the way real ledgers write them.

Numbers stored as text with ``°`` or spaces, full-width digits (１１３．３), thousands
separators, degree-minute-second strings (113°18′30.5″E, 40度5分12秒), yes/no in Chinese.
Each parser returns the value or raises ``ValueError`` with a reason in Chinese.
"""

from __future__ import annotations

import math
import re
import unicodedata

_DMS = re.compile(
    r"^\s*(?P<hem1>[NSEW东西南北])?\s*(?P<deg>-?\d+(?:\.\d+)?)\s*(?:°|度|º|˚)\s*"
    r"(?:(?P<min>\d+(?:\.\d+)?)\s*(?:'(?!')|′(?!′)|分|’)\s*)?"
    r"(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:\"|″|′′|秒|”|'')\s*)?(?P<hem2>[NSEW东西南北])?\s*$",
    re.IGNORECASE,
)
_NEGATIVE_HEMISPHERES = {"S", "W", "南", "西"}
TOTAL_MARKERS = ("合计", "总计", "小计", "合 计", "总 计")
_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓", "设有"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×", "✗", "未设"}


def half_width(value: object) -> str:
    """Full-width characters to their ASCII forms, trimmed."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return half_width(value) in ("", "nan", "None", "NaT")


def parse_number(value: object) -> float:
    """A decimal number from text such as "113.30°", " 1,234 ", "１１３．３" or a DMS string."""
    if isinstance(value, bool):
        raise ValueError("应为数字，而不是是/否")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise ValueError("不是有限的数字")
        return float(value)
    if is_blank(value):
        raise ValueError("为空")
    text = half_width(value).replace("，", ",")
    match = _DMS.match(text)
    if match and (match.group("min") or match.group("sec") or match.group("hem1") or match.group("hem2")):
        deg = float(match.group("deg"))
        minutes = float(match.group("min") or 0)
        seconds = float(match.group("sec") or 0)
        if minutes >= 60 or seconds >= 60:
            raise ValueError(f"度分秒 “{text}” 中分或秒不小于 60")
        sign = -1.0 if deg < 0 else 1.0
        result = sign * (abs(deg) + minutes / 60 + seconds / 3600)
        hemisphere = (match.group("hem1") or match.group("hem2") or "").upper()
        return -abs(result) if hemisphere in _NEGATIVE_HEMISPHERES else result
    cleaned = re.sub(r"[°º˚度\s]", "", text)
    cleaned = re.sub(r"(?<=\d),(?=\d{3}(\D|$))", "", cleaned)  # thousands separators
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text}” 不是数字") from None
    if not math.isfinite(number):
        raise ValueError(f"“{text}” 不是有限的数字")
    return number


def parse_int(value: object) -> int:
    number = parse_number(value)
    if number != int(number) or number < 0:
        raise ValueError(f"“{half_width(value)}” 应为非负整数")
    return int(number)


def parse_choice(value: object, true_words, false_words, expected: str) -> bool:
    """True or False by which word list holds the (half-width, lower-case) text."""
    text = half_width(value).lower()
    if text in true_words:
        return True
    if text in false_words:
        return False
    raise ValueError(f"“{text}” 应为 {expected}")


def parse_bool(value: object) -> bool:
    return parse_choice(value, _TRUE, _FALSE, "是/否（或 有/无）")


def is_total_row(cells: list[object]) -> bool:
    """A 合计/总计/小计 row (ledgers end with one); checked in the first three cells."""
    return any(
        half_width(c).replace(" ", "") in {m.replace(" ", "") for m in TOTAL_MARKERS}
        for c in cells[:3]
        if not is_blank(c)
    )


def skip_reason(cells: list[object]) -> str | None:
    """Why a ledger row is skipped rather than imported: "空行", "合计行", or ``None``."""
    if all(is_blank(c) for c in cells):
        return "空行"
    if is_total_row(cells):
        return "合计行"
    return None
