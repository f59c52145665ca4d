"""Committing an import: the layer's new version and the records the file carries, together.

A file of road sections may carry each section's painted bays; those are not a layer column but
painting records (``store.painting``): where the file's figure differs from the section's
recorded total, a record of the difference is written, dated the day of the import, in the same
transaction as the layer version. So the painted bays on every page stay the sum of records,
and the import is traceable to its file and row.
"""

from __future__ import annotations

from datetime import date, datetime

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa

from chuangcheng.geo.workflow import Actor
from chuangcheng.store import layers
from chuangcheng.store.db import writing
from chuangcheng.store.errors import RecordError, require


def _with_sources(incoming: gpd.GeoDataFrame, source_name: str) -> gpd.GeoDataFrame:
    if "source_row" in incoming.columns:
        rows = incoming["source_row"].astype("Int64").astype(str)
        return incoming.assign(source=(f"{source_name} 第 " + rows + " 行").where(rows != "<NA>", source_name))
    return incoming.assign(source=source_name)


def _painting_corrections(
    conn: sa.Connection, incoming: pd.DataFrame, *, actor: str, on: date, source_name: str, now: datetime
) -> int:
    wanted = incoming[incoming["painted_bays"].notna()]
    if wanted.empty:
        return 0
    no_id = wanted["section_id"].isna() if "section_id" in wanted.columns else pd.Series(True, index=wanted.index)
    if no_id.any():
        raise RecordError(
            f"{source_name}：有 {int(no_id.sum())} 个路段填写了已施划泊位但没有路段编号，"
            "无法登记施划记录；请补上路段编号后重新导入，本次没有写入。"
        )
    sums = conn.execute(sa.text("SELECT section_id, SUM(bays) FROM paint_records GROUP BY section_id")).all()
    totals = {section: bays for section, bays in sums}
    rows = []
    for section_id, painted, planned, row in zip(
        wanted["section_id"], wanted["painted_bays"], wanted["planned_bays"], wanted.get("source_row", wanted.index)
    ):
        painted = int(painted)
        if planned is not None and not pd.isna(planned) and painted > int(planned):
            raise RecordError(
                f"{source_name} 第 {row} 行：路段 {section_id} 的已施划泊位 {painted} 大于规划泊位 "
                f"{int(planned)}，本次导入没有写入。"
            )
        difference = painted - int(totals.get(section_id, 0) or 0)
        if difference:
            rows.append(
                {
                    "s": section_id,
                    "d": on,
                    "b": difference,
                    "by": actor,
                    "n": f"按导入文件更正为 {painted} 个",
                    "src": f"{source_name} 第 {row} 行",
                    "now": now,
                }
            )
    if rows:
        conn.execute(
            sa.text(
                "INSERT INTO paint_records (section_id, painted_on, bays, recorded_by, note, source, "
                "created_at) VALUES (:s, :d, :b, :by, :n, :src, :now)"
            ),
            rows,
        )
    return len(rows)


def commit_import(
    engine: sa.Engine,
    layer: str,
    accepted: gpd.GeoDataFrame,
    *,
    actor: Actor,
    source_name: str,
    expected_version: int | None = None,
    replace: bool = False,
    address: str | None = None,
) -> tuple[layers.CommitResult, int]:
    """The import as the layer's next version; returns (the commit, painting records written).

    ``expected_version`` is the version the user previewed against: if the layer has moved on,
    nothing is written and ``StaleWriteError`` says so.
    """
    require(actor, "layer.import")
    now = datetime.now()
    data = _with_sources(accepted, source_name)
    with writing(engine) as conn:
        result = layers.commit_in(
            conn,
            layer,
            data,
            actor=actor.username,
            expected_version=expected_version,
            replace=replace,
            source_name=source_name,
            at=now,
            address=address,
        )
        painted = 0
        if layer == "parking_sections" and "painted_bays" in data.columns:
            painted = _painting_corrections(
                conn, data, actor=actor.username, on=now.date(), source_name=source_name, now=now
            )
    return result, painted


def restore(
    engine: sa.Engine,
    layer: str,
    version: int,
    *,
    actor: Actor,
    expected_version: int | None,
    address: str | None = None,
) -> layers.CommitResult:
    """Make an earlier version of a layer current again, as the user who asked."""
    require(actor, "layer.restore")
    return layers.restore_layer(
        engine, layer, version, actor=actor.username, expected_version=expected_version, address=address
    )
