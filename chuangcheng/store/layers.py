"""Versioned layers: every commit is a new version, every version stays readable.

A commit merges the incoming features into the current version by their key — the layer's id
field, or its name field when the file has no ids — so a re-import updates records instead of
duplicating them; features the file does not mention are kept, unless ``replace`` is asked for.
It runs as one transaction that holds the layer's lock from reading the current state to
writing the new one: concurrent commits of the same layer, from any number of processes, are
applied one after the other, and each sees the one before. A commit made against a version the
user no longer sees (``expected_version``) is refused and writes nothing. A process killed
mid-commit leaves the previous version as it was (the transaction is rolled back).

All geometry is EPSG:4326 longitude/latitude.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import sqlalchemy as sa

from chuangcheng import registry
from chuangcheng.store import audit, gpkg, schema
from chuangcheng.store.db import is_postgres, reading, writing
from chuangcheng.store.errors import RecordError, StaleWriteError

WGS84 = "EPSG:4326"
_CHUNK = 500


@dataclass(frozen=True)
class CommitResult:
    layer: str
    version: int
    added: int
    updated: int
    kept: int
    removed: int

    @property
    def rows(self) -> int:
        return self.added + self.updated + self.kept


@dataclass(frozen=True)
class VersionInfo:
    layer: str
    version: int
    action: str  # "generate", "import", "restore"
    committed_at: datetime
    committed_by: str
    effective_at: datetime  # from when this version describes the city (for replays)
    source_name: str
    note: str
    rows: int
    added: int
    updated: int
    removed: int


ACTION_TITLES = {"generate": "生成示范数据", "import": "导入", "restore": "恢复旧版本", "build": "构建"}


# ------------------------------------------------------------------------------------ reading


def head_version(conn: sa.Connection, layer: str, *, lock: bool = False) -> int:
    query = "SELECT version FROM layer_heads WHERE layer = :l" + (" FOR UPDATE" if lock else "")
    value = conn.execute(sa.text(query), {"l": layer}).scalar()
    if value is None:
        raise RecordError(f"存储中没有图层 “{layer}”，请先运行迁移（store.migrations.migrate）。")
    return int(value)


def _select_sql(spec: registry.Layer, postgres: bool, version: int | None) -> str:
    cols = ", ".join(f'"{c}"' for c, _ in schema.layer_columns(spec, postgres))
    geom = "ST_AsBinary(geom)" if postgres else "geom"
    current = f'SELECT fid, {geom} AS geom, {cols} FROM "{spec.name}"'
    if version is None:
        return current + " ORDER BY fid"
    history = f'SELECT fid, {geom} AS geom, {cols} FROM "{schema.history_table(spec.name)}"'
    return f"{current} WHERE valid_from <= :v UNION ALL {history} WHERE valid_from <= :v AND valid_to > :v ORDER BY fid"


def _to_frame(spec: registry.Layer, rows: Sequence, columns: list[str], postgres: bool) -> gpd.GeoDataFrame:
    # Column-wise: pandas inspects every Row object when handed rows, which costs more than the read.
    values = list(zip(*rows)) if rows else [()] * len(columns)
    data = dict(zip(columns, values))
    blobs = list(data.pop("geom"))
    data.pop("fid")
    frame = pd.DataFrame({name: pd.Series(col, dtype=object) for name, col in data.items()})
    geoms = shapely.from_wkb([None if b is None else bytes(b) for b in blobs]) if postgres else gpkg.decode(blobs)
    for f in spec.fields:
        frame[f.name] = _typed(frame[f.name], f.kind)
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=WGS84)


def _typed(values: pd.Series, kind: str) -> pd.Series:
    """Column values as the pages use them: ints stay ints (float with NaN when some are
    missing), bools stay bools, dates as ISO text."""
    if kind == "int":
        out = pd.to_numeric(values, errors="coerce")
        return out.astype(np.int64) if out.notna().all() else out.astype(float)
    if kind == "float":
        return pd.to_numeric(values, errors="coerce").astype(float)
    if kind == "bool":
        return values.map(lambda v: None if v is None or v is pd.NA else bool(v)).astype(
            bool if values.notna().all() else object
        )
    if kind == "date":
        return values.map(lambda v: None if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)))
    return values.astype(object).where(values.notna(), None)


def read_in(conn: sa.Connection, layer: str, version: int | None = None) -> gpd.GeoDataFrame:
    """A layer's features (current version, or ``version``) inside the caller's transaction."""
    spec = registry.layer(layer)
    postgres = is_postgres(conn)
    head = head_version(conn, layer)
    if version is not None and not 0 <= version <= head:
        raise RecordError(f"图层 “{spec.title_zh}” 没有第 {version} 版（现有第 1–{head} 版）。")
    wanted = None if version is None or version == head else version
    result = conn.execute(sa.text(_select_sql(spec, postgres, wanted)), {"v": wanted})
    return _to_frame(spec, result.all(), list(result.keys()), postgres)


def read_layer(engine: sa.Engine, layer: str, version: int | None = None) -> gpd.GeoDataFrame:
    """One layer, current or a past version, in EPSG:4326."""
    with reading(engine) as conn:
        return read_in(conn, layer, version)


def read_layers(
    engine: sa.Engine, layers: list[str] | tuple[str, ...], versions: dict[str, int] | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Several layers read in one transaction, so they belong to the same moment."""
    versions = versions or {}
    with reading(engine) as conn:
        return {name: read_in(conn, name, versions.get(name)) for name in layers}


def versions(engine: sa.Engine, layer: str) -> list[VersionInfo]:
    """Every version of a layer, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT layer, version, action, committed_at, committed_by, effective_at, source_name, "
                "note, rows, added, updated, removed FROM layer_versions WHERE layer = :l ORDER BY version"
            ),
            {"l": layer},
        ).all()
    return [VersionInfo(row[0], row[1], row[2], _dt(row[3]), row[4], _dt(row[5]), *row[6:]) for row in rows]


def version_at(history: list[VersionInfo], when: datetime) -> int:
    """The version that described the city at ``when`` (0: the layer did not exist yet)."""
    live = [v.version for v in history if v.effective_at <= when]
    return max(live) if live else 0


def _dt(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


# ------------------------------------------------------------------------------------ writing


def prepare(layer: str, incoming: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The registry's fields of ``incoming`` (missing ones empty, others dropped) in EPSG:4326,
    with the ``source`` column kept when given. Raises for rows without geometry."""
    spec = registry.layer(layer)
    if incoming.crs is None:
        raise RecordError(f"要写入图层 “{spec.title_zh}” 的数据没有坐标参考系，应为 EPSG:4326。")
    data = incoming.to_crs(WGS84) if incoming.crs.to_epsg() != 4326 else incoming
    empty = data.geometry.isna() | data.geometry.is_empty
    if empty.any():
        raise RecordError(f"图层 “{spec.title_zh}” 有 {int(empty.sum())} 条记录没有几何，不能写入。")
    columns = {
        f.name: (data[f.name] if f.name in data.columns else pd.Series(None, index=data.index, dtype=object))
        for f in spec.fields
    }
    columns[schema.SOURCE_COLUMN] = (
        data[schema.SOURCE_COLUMN]
        if schema.SOURCE_COLUMN in data.columns
        else pd.Series(None, index=data.index, dtype=object)
    )
    return gpd.GeoDataFrame(columns, geometry=data.geometry.values, crs=WGS84).reset_index(drop=True)


def _key_column(spec: registry.Layer, data: pd.DataFrame) -> str:
    ids = data[spec.id_field]
    if ids.notna().all() and (ids.astype(str).str.strip() != "").all():
        return spec.id_field
    if spec.name_field is None:
        raise RecordError(f"图层 “{spec.title_zh}” 的每条记录都必须有{spec.field(spec.id_field).title_zh}。")
    return spec.name_field


def _python(value, kind: str):
    if value is None or (not isinstance(value, (str, bytes)) and pd.isna(value)):
        return None
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        return bool(value)
    if kind == "date":
        return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)[:10]
    return str(value)


def _insert_rows(conn: sa.Connection, spec: registry.Layer, data: gpd.GeoDataFrame, version: int) -> None:
    postgres = is_postgres(conn)
    names = [c for c, _ in schema.layer_columns(spec, postgres)]
    kinds = {f.name: f.kind for f in spec.fields}
    geom_sql = "ST_GeomFromWKB(:geom, 4326)" if postgres else ":geom"
    blobs = (
        shapely.to_wkb(data.geometry.values, byte_order=1, flavor="iso", output_dimension=2).tolist()
        if postgres
        else gpkg.encode(data.geometry.values)
    )
    columns = {c: data[c].tolist() for c in names}
    rows = [
        {
            "geom": blobs[i],
            "vf": version,
            **{f"c{j}": _python(columns[c][i], kinds.get(c, "text")) for j, c in enumerate(names)},
        }
        for i in range(len(data))
    ]
    cols_sql = ", ".join(f'"{c}"' for c in names)
    vals_sql = ", ".join(f":c{j}" for j in range(len(names)))
    statement = sa.text(
        f'INSERT INTO "{spec.name}" (geom, {cols_sql}, valid_from) VALUES ({geom_sql}, {vals_sql}, :vf)'
    )
    for start in range(0, len(rows), 5000):
        if rows[start : start + 5000]:
            conn.execute(statement, rows[start : start + 5000])


def _retire(conn: sa.Connection, spec: registry.Layer, fids: list[int] | None, version: int) -> int:
    """Move rows (all when ``fids`` is None) from the current table to history."""
    cols = ", ".join(f'"{c}"' for c, _ in schema.layer_columns(spec, is_postgres(conn)))
    current, history = f'"{spec.name}"', f'"{schema.history_table(spec.name)}"'
    move = (
        f"INSERT INTO {history} (fid, geom, {cols}, valid_from, valid_to) "
        f"SELECT fid, geom, {cols}, valid_from, :v FROM {current}"
    )
    if fids is None:
        conn.execute(sa.text(move), {"v": version})
        return conn.execute(sa.text(f"DELETE FROM {current}")).rowcount
    moved = 0
    for start in range(0, len(fids), _CHUNK):
        chunk = fids[start : start + _CHUNK]
        where: sa.BindParameter = sa.bindparam("ids", expanding=True)
        conn.execute(sa.text(move + " WHERE fid IN :ids").bindparams(where), {"v": version, "ids": chunk})
        moved += conn.execute(
            sa.text(f"DELETE FROM {current} WHERE fid IN :ids").bindparams(where), {"ids": chunk}
        ).rowcount
    return moved


def _record_version(
    conn: sa.Connection,
    spec: registry.Layer,
    version: int,
    *,
    action: str,
    actor: str,
    at: datetime,
    effective_at: datetime,
    source_name: str,
    note: str,
    rows: int,
    added: int,
    updated: int,
    removed: int,
) -> None:
    conn.execute(
        sa.text(
            "INSERT INTO layer_versions (layer, version, action, committed_at, committed_by, effective_at, "
            "source_name, note, rows, added, updated, removed) VALUES (:l, :v, :a, :at, :by, :eff, :src, :note, "
            ":rows, :added, :updated, :removed)"
        ),
        {
            "l": spec.name,
            "v": version,
            "a": action,
            "at": at,
            "by": actor,
            "eff": effective_at,
            "src": source_name,
            "note": note,
            "rows": rows,
            "added": added,
            "updated": updated,
            "removed": removed,
        },
    )
    conn.execute(
        sa.text("UPDATE layer_heads SET version = :v, rows = :rows WHERE layer = :l"),
        {"v": version, "rows": rows, "l": spec.name},
    )
    if not is_postgres(conn):  # keep the GeoPackage's extent and change time right for GIS programs
        conn.execute(
            sa.text(
                f'UPDATE gpkg_contents SET last_change = :t, min_x = (SELECT MIN(minx) FROM "rtree_{spec.name}_geom"), '
                f'max_x = (SELECT MAX(maxx) FROM "rtree_{spec.name}_geom"), '
                f'min_y = (SELECT MIN(miny) FROM "rtree_{spec.name}_geom"), '
                f'max_y = (SELECT MAX(maxy) FROM "rtree_{spec.name}_geom") WHERE table_name = :l'
            ),
            {"t": at.isoformat(timespec="milliseconds") + "Z", "l": spec.name},
        )


def _check_expected(spec: registry.Layer, head: int, expected: int | None) -> None:
    if expected is not None and head != expected:
        raise StaleWriteError(
            f"图层 “{spec.title_zh}” 已被他人更新为第 {head} 版（您预览时是第 {expected} 版），"
            "本次没有写入任何数据。请刷新后重新预览，再确认导入。"
        )


@dataclass(frozen=True)
class Plan:
    """What a commit would do, computed against one version."""

    base_version: int
    added: int
    updated: int
    kept: int
    removed: int
    key: str


def _plan(
    conn: sa.Connection, spec: registry.Layer, data: gpd.GeoDataFrame, replace: bool
) -> tuple[Plan, list[int], pd.Series]:
    key = _key_column(spec, data)
    keys = data[key].astype(str).str.strip()
    dup = keys[keys.duplicated()].unique().tolist()
    if dup:
        raise RecordError(
            f"写入图层 “{spec.title_zh}” 的数据中{spec.field(key).title_zh}重复："
            f"{'、'.join(dup[:5])}{' 等' if len(dup) > 5 else ''}。请去重后再导入，以免一条记录被覆盖两次。"
        )
    current = pd.DataFrame(
        conn.execute(
            sa.text(
                f'SELECT fid, "{spec.id_field}" AS id, {"NULL" if spec.name_field is None else chr(34) + spec.name_field + chr(34)} '
                f'AS name FROM "{spec.name}"'
            )
        ).all(),
        columns=["fid", "id", "name"],
    )
    current_key = current["id" if key == spec.id_field else "name"].astype(str).str.strip()
    matched = current_key.isin(keys)
    # Records matched by name keep the id they already have.
    ids_by_key = dict(zip(current_key[matched], current.loc[matched, "id"]))
    head = head_version(conn, spec.name)
    retire = current["fid"].tolist() if replace else current.loc[matched, "fid"].tolist()
    updated = int(matched.sum())
    plan = Plan(
        base_version=head,
        added=len(data) - updated,
        updated=updated,
        kept=0 if replace else int((~matched).sum()),
        removed=int((~matched).sum()) if replace else 0,
        key=key,
    )
    known = keys.map(ids_by_key) if ids_by_key else pd.Series(None, index=keys.index, dtype=object)
    return plan, [int(f) for f in retire], known


def plan_commit(engine: sa.Engine, layer: str, incoming: pd.DataFrame, *, replace: bool = False) -> Plan:
    """What committing rows with these ids/names would do now (nothing is written). Only the
    layer's id and name columns of ``incoming`` are read, so a large import can be planned from
    its keys alone."""
    spec = registry.layer(layer)
    keys = pd.DataFrame(
        {
            column: (incoming[column] if column in incoming.columns else None)
            for column in (spec.id_field, spec.name_field)
            if column
        },
        index=incoming.index,
    )
    with reading(engine) as conn:
        return _plan(conn, spec, keys, replace)[0]


def commit_layer(
    engine: sa.Engine,
    layer: str,
    incoming: gpd.GeoDataFrame,
    *,
    actor: str,
    expected_version: int | None = None,
    replace: bool = False,
    action: str = "import",
    source_name: str = "",
    note: str = "",
    at: datetime | None = None,
    effective_at: datetime | None = None,
    address: str | None = None,
) -> CommitResult:
    """Write ``incoming`` as the next version of ``layer`` in one transaction (module docstring)."""
    with writing(engine) as conn:
        return commit_in(
            conn,
            layer,
            incoming,
            actor=actor,
            expected_version=expected_version,
            replace=replace,
            action=action,
            source_name=source_name,
            note=note,
            at=at,
            effective_at=effective_at,
            address=address,
        )


# long: one transaction: the version, diff and audit of one commit must stay together
def commit_in(
    conn: sa.Connection,
    layer: str,
    incoming: gpd.GeoDataFrame,
    *,
    actor: str,
    expected_version: int | None = None,
    replace: bool = False,
    action: str = "import",
    source_name: str = "",
    note: str = "",
    at: datetime | None = None,
    effective_at: datetime | None = None,
    address: str | None = None,
) -> CommitResult:
    """:func:`commit_layer` inside the caller's write transaction."""
    spec = registry.layer(layer)
    data = prepare(layer, incoming)
    at = at or datetime.now()
    head = head_version(conn, layer, lock=is_postgres(conn))
    _check_expected(spec, head, expected_version)
    plan, retire, known_ids = _plan(conn, spec, data, replace)
    version = head + 1
    ids = data[spec.id_field].astype(object).where(data[spec.id_field].notna(), None)
    missing = ids.isna() | (ids.astype(str).str.strip() == "")
    if missing.any():  # matched by name: keep the old id; new: number them in this version
        data.loc[missing, spec.id_field] = known_ids[missing].values
        new = missing & known_ids.isna()
        data.loc[new, spec.id_field] = [f"{spec.id_prefix}{version:04d}-{k + 1:05d}" for k in range(int(new.sum()))]
    removed = _retire(conn, spec, None if replace else retire, version)
    _insert_rows(conn, spec, data, version)
    rows = plan.kept + len(data)
    _record_version(
        conn,
        spec,
        version,
        action=action,
        actor=actor,
        at=at,
        effective_at=effective_at or at,
        source_name=source_name,
        note=note,
        rows=rows,
        added=plan.added,
        updated=plan.updated,
        removed=plan.removed,
    )
    audit.record(
        conn,
        actor=actor,
        action=f"layer_{action}",
        target=layer,
        address=address,
        at=at,
        detail={
            "version": version,
            "source": source_name,
            "added": plan.added,
            "updated": plan.updated,
            "removed": plan.removed,
            "retired_rows": removed,
        },
    )
    return CommitResult(layer, version, plan.added, plan.updated, plan.kept, plan.removed)


def restore_layer(
    engine: sa.Engine,
    layer: str,
    version: int,
    *,
    actor: str,
    expected_version: int | None = None,
    at: datetime | None = None,
    address: str | None = None,
) -> CommitResult:
    """Make an earlier version current again, as a new version (history is kept)."""
    spec = registry.layer(layer)
    at = at or datetime.now()
    with writing(engine) as conn:
        head = head_version(conn, layer, lock=is_postgres(conn))
        _check_expected(spec, head, expected_version)
        if not 1 <= version < head:
            raise RecordError(f"图层 “{spec.title_zh}” 不能恢复到第 {version} 版（可恢复第 1–{head - 1} 版）。")
        old = read_in(conn, layer, version)
        new_version = head + 1
        current_rows = conn.execute(sa.text(f'SELECT COUNT(*) FROM "{layer}"')).scalar()
        _retire(conn, spec, None, new_version)
        _insert_rows(conn, spec, old, new_version)
        _record_version(
            conn,
            spec,
            new_version,
            action="restore",
            actor=actor,
            at=at,
            effective_at=at,
            source_name=f"第 {version} 版",
            note="",
            rows=len(old),
            added=len(old),
            updated=0,
            removed=int(current_rows),
        )
        audit.record(
            conn,
            actor=actor,
            action="layer_restore",
            target=layer,
            address=address,
            at=at,
            detail={"version": new_version, "restored": version},
        )
    return CommitResult(layer, new_version, len(old), 0, 0, int(current_rows))
