"""The campaign's key figures, each returned with the counts it is made of.

Every figure on the 作战挂图 comes from these functions, so a number on screen can be traced to
rows of data: a :class:`Ratio` carries its numerator and denominator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chuangcheng.geo.workflow import FINAL_STATES


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


def open_problems(cases: pd.DataFrame) -> int:
    """未整改问题: ledger cases not yet 结案/作废/不予立案 (the same number on every page)."""
    return int((~cases["state"].isin(FINAL_STATES)).sum())


def problems_finished(cases: pd.DataFrame) -> Ratio:
    """问题办结率 = cases finished (结案, 作废 or 不予立案) / cases reported — the counts the daily
    progress chart ends on (``geo.cityview.daily_progress``), for any part of the city."""
    return Ratio(int(cases["state"].isin(FINAL_STATES).sum()), len(cases))


def parking_progress(sections: pd.DataFrame) -> Ratio:
    """施划停车位进度 = painted bays / planned bays over the road sections."""
    return Ratio(int(sections["painted_bays"].sum()), int(sections["planned_bays"].sum()))


UNCLASSIFIED = "未分类"


def count_by(frame: pd.DataFrame, column: str, order: tuple[str, ...]) -> dict[str, int]:
    """Counts of each value of ``column`` in the given order (absent values count 0), then
    ``UNCLASSIFIED``: rows with any other value or none, so the counts always add up to the
    number of rows (a record imported without a type is still counted)."""
    counts = frame[column].value_counts()
    out = {value: int(counts.get(value, 0)) for value in order}
    out[UNCLASSIFIED] = len(frame) - sum(out.values())
    return out


def breakdown_text(counts: dict[str, int], labels: dict[str, str] | None = None) -> str:
    """ "固定 372 · 移动 76 · …", with the unclassified only when there are any."""
    labels = labels or {}
    return " · ".join(f"{labels.get(k, k)} {v:,}" for k, v in counts.items() if k != UNCLASSIFIED or v)


TIE_RULE = "达标率高者在前；达标率相同时未整改问题少者在前；仍相同则并列同一名次"


def area_ranking(
    points: pd.DataFrame,
    cases: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    code_col: str,
    name_col: str,
    min_measured: int = 1,
) -> pd.DataFrame:
    """Areas (区, 街道, 社区 or 网格: ``code_col``/``name_col``) ranked by 达标率, best first.

    Columns: rank, code, name, measured, passed, pass_rate (0–1, NaN when no point was
    inspected), open_problems (open ledger cases located in the area). Only areas with at least
    ``min_measured`` inspected points are ranked (one point would put an area at 0 % or 100 %);
    the others follow, unranked, those with some inspections first. Ties follow ``TIE_RULE``:
    equal 达标率 and equal open problems share a rank (1, 2, 2, 4).
    """
    result = points["latest_result"]
    per = (
        pd.DataFrame(
            {
                "code": points[code_col].to_numpy(),
                "passed": (result == "达标").astype(int).to_numpy(),
                "measured": result.isin(["达标", "不达标"]).astype(int).to_numpy(),
            }
        )
        .groupby("code")
        .sum()
    )
    open_cases = cases[~cases["state"].isin(FINAL_STATES)].groupby(code_col).size()
    table = (
        areas[[code_col, name_col]]
        .drop_duplicates(code_col)
        .rename(columns={code_col: "code", name_col: "name"})
        .set_index("code")
        .join(per, how="left")
    )
    table = table.fillna({"passed": 0, "measured": 0}).astype({"passed": int, "measured": int})
    table["open_problems"] = open_cases.reindex(table.index, fill_value=0).astype(int)
    table["pass_rate"] = np.where(
        table["measured"] > 0, table["passed"] / table["measured"].where(table["measured"] > 0, 1), np.nan
    )
    table = table.reset_index()
    table["_group"] = np.where(table["measured"] >= max(int(min_measured), 1), 0, np.where(table["measured"] > 0, 1, 2))
    table = table.sort_values(
        ["_group", "pass_rate", "open_problems", "code"], ascending=[True, False, True, True], na_position="last"
    ).reset_index(drop=True)
    ranked = table["_group"] == 0
    table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table.loc[ranked, "rank"] = competition_ranks(
        list(zip(table.loc[ranked, "pass_rate"], table.loc[ranked, "open_problems"]))
    )
    return table[["rank", "code", "name", "measured", "passed", "pass_rate", "open_problems"]]


def competition_ranks(keys: list) -> list[int]:
    """Ranks of rows already sorted best first, equal keys sharing a place (1, 2, 2, 4): a row's
    rank is one more than the number of rows strictly ahead of it."""
    first_at: dict = {}
    for position, key in enumerate(keys):
        first_at.setdefault(key, position + 1)
    return [first_at[key] for key in keys]


def podium_size(n_ranked: int) -> int:
    """How many go on the 红榜 and on the 黑榜: three each from nine ranked areas up, else
    "一红一黑" (one each)."""
    return 3 if n_ranked >= 9 else 1 if n_ranked >= 2 else 0


def podium_tags(table: pd.DataFrame, podium: int | None = None) -> pd.Series:
    """ "红榜", "黑榜" or "" for each row of an ``area_ranking`` table.

    红榜: rank ≤ ``podium``; 黑榜: at most ``podium`` places from the bottom, counted the same way
    (ties share the place) and never an area tied with, or ranked as, a 红榜 area — so a tie is
    never split between the two lists. ``podium`` defaults to :func:`podium_size`.
    """
    ranks = table["rank"]
    ranked = ranks.notna()
    n = int(ranked.sum())
    podium = podium_size(n) if podium is None else podium
    tags = pd.Series("", index=table.index, dtype=object)
    if n == 0 or podium <= 0:
        return tags
    r = ranks[ranked].astype(int)
    # Places from the bottom: one more than the number of rows strictly behind (ranked worse).
    values = r.to_numpy()
    from_bottom = n - np.searchsorted(np.sort(values), values, side="right") + 1
    tags[r.index[r <= podium]] = "红榜"
    tags[r.index[(r > podium) & (from_bottom <= podium)]] = "黑榜"
    return tags
