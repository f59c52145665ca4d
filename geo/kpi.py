"""The campaign's key figures, each returned with the counts it is made of.

Every figure on the 作战挂图 comes from these functions, so a number on screen can be traced to
rows of data: a :class:`Ratio` carries its numerator and denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """numerator / denominator, or ``None`` when nothing is counted yet."""
        return self.numerator / self.denominator if self.denominator else None

    def percent_text(self, decimals: int = 1) -> str:
        return "—" if self.value is None else f"{self.value * 100:.{decimals}f}%"


def inspection_pass_rate(points: pd.DataFrame) -> Ratio:
    """测评点位达标率 = 达标 / (达标 + 不达标); points not yet inspected (未测评) are excluded."""
    result = points["latest_result"]
    passed = int((result == "达标").sum())
    measured = passed + int((result == "不达标").sum())
    return Ratio(passed, measured)


def open_problem_count(points: pd.DataFrame) -> int:
    """Sum of open (未整改) problems over the inspection points."""
    return int(points["open_problems"].fillna(0).sum())


def parking_progress(sections: pd.DataFrame) -> Ratio:
    """施划停车位进度 = painted bays / planned bays over the road sections."""
    return Ratio(int(sections["painted_bays"].sum()), int(sections["planned_bays"].sum()))


def count_by(frame: pd.DataFrame, column: str, order: tuple[str, ...]) -> dict[str, int]:
    """Counts of each value of ``column`` in the given order (absent values count 0)."""
    counts = frame[column].value_counts()
    return {value: int(counts.get(value, 0)) for value in order}


def street_ranking(points: pd.DataFrame, streets: pd.DataFrame) -> pd.DataFrame:
    """街道 ranked by 达标率 (best first), with the counts behind each rate.

    Columns: rank, street_code, street_name, measured, passed, pass_rate (0–1, NaN when no
    point was inspected), open_problems. Ties in rate rank by fewer open problems, then code.
    Streets with no inspected point come last, unranked.
    """
    result = points["latest_result"]
    per = pd.DataFrame({
        "street_code": points["street_code"],
        "passed": (result == "达标").astype(int),
        "measured": result.isin(["达标", "不达标"]).astype(int),
        "open_problems": points["open_problems"].fillna(0).astype(int),
    }).groupby("street_code").sum()
    table = streets[["street_code", "street_name"]].drop_duplicates("street_code").set_index(
        "street_code").join(per, how="left").fillna({"passed": 0, "measured": 0, "open_problems": 0})
    table = table.astype({"passed": int, "measured": int, "open_problems": int})
    table["pass_rate"] = np.where(table["measured"] > 0,
                                  table["passed"] / table["measured"].where(table["measured"] > 0, 1),
                                  np.nan)
    table = table.reset_index().sort_values(
        ["pass_rate", "open_problems", "street_code"], ascending=[False, True, True],
        na_position="last")
    ranked = table["pass_rate"].notna()
    table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table.loc[ranked, "rank"] = np.arange(1, ranked.sum() + 1)
    return table[["rank", "street_code", "street_name", "measured", "passed", "pass_rate",
                  "open_problems"]].reset_index(drop=True)
