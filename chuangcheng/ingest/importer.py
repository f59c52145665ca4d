"""Bring a city's own file into a layer, with an honest report of every row.

Every input row ends up in exactly one place: accepted (with its values as read), rejected (file,
row number as the user sees it, and the reason in Chinese), or skipped (blank lines and
合计/总计 rows, counted). Geometry repairs are listed. Nothing is dropped or changed silently.

Tables (CSV in UTF-8/UTF-8 with BOM/GBK, Excel ``.xlsx``): the header row is found below any
merged title rows; columns are matched to the layer's fields by their Chinese or English names
(or an explicit mapping); coordinates are read from longitude/latitude columns in the declared
coordinate system. Vector files (GeoJSON, zipped shapefile, KML/KMZ with folders, GeoPackage)
are read with GDAL through pyogrio; a shapefile without ``.cpg`` is read as GBK.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from chuangcheng import registry
from chuangcheng.geo.errors import CityDataError
from chuangcheng.ingest import coordinates, formats
from chuangcheng.ingest.fields import LAYER_FIELDS, LAYER_GEOMETRY, guess_mapping
from chuangcheng.ingest.values import is_blank, parse_bool, parse_int, parse_number, skip_reason

TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm")
VECTOR_SUFFIXES = (".geojson", ".json", ".zip", ".kml", ".kmz", ".gpkg", ".pbf")
_GEOM_FAMILY = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "MultiLineString": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}
_GEOM_ZH = {"point": "点", "line": "线", "polygon": "面"}
MAX_FILE_BYTES = formats.MAX_FILE_BYTES
HEADER_SEARCH_ROWS = 15


@dataclass
class ImportReport:
    """What became of every row of one file."""

    file: str
    layer: str
    accepted: gpd.GeoDataFrame
    rejected: pd.DataFrame  # columns: file, row, reason, then the row's own cells
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why)
    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0

    def summary(self) -> str:
        return (
            f"{self.file}：读取 {self.rows_read} 行，接受 {len(self.accepted)} 行，拒绝 {len(self.rejected)} 行，"
            f"跳过 {len(self.skipped)} 行（空行或合计行），修复几何 {len(self.repairs)} 处。"
        )


# ---------------------------------------------------------------- safety


def check_file(path: Path, display_name: str | None = None) -> formats.Format:
    """The declared format, checked by content, size, archive paths and bombs (``ingest.formats``)."""
    return formats.check(path, display_name)


# ---------------------------------------------------------------- tables


def _read_csv(path: Path) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(
                path, header=None, dtype=str, keep_default_na=False, encoding=encoding, skip_blank_lines=False
            )
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            return pd.DataFrame()
        except pd.errors.ParserError as exc:
            raise CityDataError(f"文件 {path.name} 不是规整的 CSV：{exc}") from exc
    raise CityDataError(f"文件 {path.name} 的编码既不是 UTF-8 也不是 GBK，请另存为 UTF-8 后重试。")


def read_raw_table(path: Path, is_data=None, display_name: str | None = None) -> pd.DataFrame:
    """All cells as read, no header assumed (row i of the frame is file row i + 1).

    A workbook may hold several sheets: the one ``is_data(frame)`` accepts is read (a notes
    sheet beside it is fine); two data sheets are refused by name rather than one silently
    dropped.
    """
    if path.suffix.lower() == ".csv":
        return _read_csv(path)
    name = display_name or path.name
    try:
        # calamine (Rust) reads a 100,000-row ledger ~10x faster than openpyxl.
        sheets = pd.read_excel(path, header=None, dtype=object, engine="calamine", sheet_name=None)
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise CityDataError(f"无法读取 Excel 文件 {name}：{exc}") from exc
    filled = {title: frame for title, frame in sheets.items() if not frame.dropna(how="all").empty}
    if is_data is None or len(filled) <= 1:
        return next(iter(filled.values()), pd.DataFrame())
    data = [title for title, frame in filled.items() if is_data(frame)]
    if len(data) > 1:
        raise CityDataError(
            f"文件 {name} 有 {len(data)} 个含数据的工作表（{'、'.join(map(str, data))}），"
            "为免遗漏，请每次导入一个工作表：把其余工作表删除或另存为单独的文件。"
        )
    return filled[data[0]] if data else next(iter(filled.values()))


def header_row(raw: pd.DataFrame, layer: str) -> int | None:
    """Index of the header row: the first row naming at least two of the layer's fields."""
    for i in range(min(HEADER_SEARCH_ROWS, len(raw))):
        cells = [str(c) for c in raw.iloc[i].tolist() if not is_blank(c)]
        if len(guess_mapping(cells, layer)) >= 2:
            return i
    return None


def find_header(raw: pd.DataFrame, layer: str) -> int:
    found = header_row(raw, layer)
    if found is None:
        raise CityDataError(
            "在前 15 行中没有找到表头（应包含“名称”“经度”“纬度”等列名）。请检查文件，或在导入时手动指定列。"
        )
    return found


_PARSERS = {"float": parse_number, "int": parse_int, "bool": parse_bool}


def _parse_cells(items, *, where: str) -> tuple[dict, list[str]]:
    """Typed values and Chinese problems for (field name, header, field spec, cell) items."""
    values: dict = {}
    problems: list[str] = []
    for name, header, spec, cell in items:
        if spec is None:
            continue
        if is_blank(cell):
            if spec.required:
                problems.append(f"{spec.title_zh}为空")
            values[name] = None
            continue
        parser = _PARSERS.get(spec.kind)
        try:
            values[name] = parser(cell) if parser else str(cell).strip()
        except ValueError as exc:
            problems.append(f"{spec.title_zh}（{where}“{header}”）{exc}")
    return values, problems


# long: one pass over the rows, each check beside the message it gives
def import_table(  # noqa: C901 — each branch is one reason a row is refused, in the order the user reads them
    path: Path | str,
    layer: str,
    *,
    system: str = "wgs84",
    mapping: dict[str, str] | None = None,
    central_meridian_deg: float = 114.0,
) -> ImportReport:
    """Import a CSV or Excel ledger of points (longitude/latitude columns)."""
    path = Path(path)
    if LAYER_GEOMETRY[layer] in ("polygon", "line"):
        raise CityDataError(
            f"表格只有经纬度，不能导入{'面' if LAYER_GEOMETRY[layer] == 'polygon' else '线'}图层；"
            "请使用 Shapefile（zip）、GeoJSON、KML 或 GeoPackage。"
        )
    check_file(path)
    raw = read_raw_table(path, lambda frame: header_row(frame, layer) is not None)
    report = ImportReport(file=path.name, layer=layer, accepted=_empty_gdf(layer), rejected=_empty_rejected())
    if raw.empty:
        report.warnings.append("文件为空。")
        return report
    header_at = find_header(raw, layer)
    headers = [str(h).strip() if not is_blank(h) else f"列{j + 1}" for j, h in enumerate(raw.iloc[header_at])]
    headers = _unique(headers)
    body = raw.iloc[header_at + 1 :].reset_index(drop=True)
    body.columns = headers
    mapping = dict(mapping) if mapping else guess_mapping(headers, layer)
    report.mapping = mapping
    missing = [f.title_zh for f in LAYER_FIELDS[layer] if f.required and f.name not in mapping]
    if "lon" not in mapping or "lat" not in mapping:
        missing += ["经度/纬度"]
    if missing:
        raise CityDataError(f"文件 {path.name} 缺少必需的列：{', '.join(missing)}。已识别：{mapping}。")
    fields = {f.name: f for f in LAYER_FIELDS[layer]}
    position = {h: j for j, h in enumerate(headers)}
    mapped = [(name, header, position[header], fields.get(name)) for name, header in mapping.items()]
    good_rows, good_values, xs, ys = [], [], [], []
    rejected = []
    for i, cells in enumerate(body.itertuples(index=False, name=None)):
        row_no = header_at + 2 + i  # 1-based, as spreadsheet programs number rows
        cells = list(cells)
        report.rows_read += 1
        reason = skip_reason(cells)
        if reason:
            report.skipped.append((row_no, reason))
            continue
        values, problems = _parse_cells(
            ((name, header, spec, cells[j]) for name, header, j, spec in mapped), where="列"
        )
        if values.get("lon") is None or values.get("lat") is None:
            if not any("经度" in p or "纬度" in p for p in problems):
                problems.append("缺少经度或纬度")
        if problems:
            rejected.append(_rejected_row(path.name, row_no, "；".join(problems), pd.Series(cells, index=headers)))
            continue
        good_rows.append(row_no)
        good_values.append(values)
        xs.append(values["lon"])
        ys.append(values["lat"])
    accepted_idx: list[int] = []
    if good_rows:
        try:
            lon, lat = coordinates.to_wgs84(
                np.array(xs), np.array(ys), system, central_meridian_deg=central_meridian_deg
            )
        except ValueError as exc:
            raise CityDataError(f"文件 {path.name} 的坐标无法按所选坐标系换算：{exc}") from exc
        for k, (row_no, values) in enumerate(zip(good_rows, good_values)):
            if not (math.isfinite(lon[k]) and math.isfinite(lat[k]) and -180 <= lon[k] <= 180 and -90 <= lat[k] <= 90):
                rejected.append(
                    _rejected_row(
                        path.name,
                        row_no,
                        f"坐标 ({xs[k]}, {ys[k]}) 换算后不是有效的经纬度",
                        body.iloc[row_no - header_at - 2],
                    )
                )
                continue
            accepted_idx.append(k)
        frame = pd.DataFrame([good_values[k] for k in accepted_idx])
        frame["source_row"] = [good_rows[k] for k in accepted_idx]
        report.accepted = gpd.GeoDataFrame(
            frame.drop(columns=["lon", "lat"], errors="ignore"),
            geometry=gpd.points_from_xy(lon[accepted_idx], lat[accepted_idx]),
            crs="EPSG:4326",
        )
    report.rejected = pd.DataFrame(rejected) if rejected else _empty_rejected()
    return report


# ---------------------------------------------------------------- vector files


def _dbf_encoding(data: bytes) -> dict:
    """Read options for a shapefile without ``.cpg``: its text is UTF-8 when every non-ASCII byte
    decodes as UTF-8 (GBK text practically never does), else GBK, as Chinese desktop GIS writes."""
    records = data[32:]
    if any(b > 127 for b in records):
        try:
            records.decode("utf-8")
            return {"encoding": "UTF-8"}
        except UnicodeDecodeError:
            pass
    return {"encoding": "GBK"}


def _vector_sources(path: Path) -> list[tuple[str, dict, str | None]]:
    """(GDAL path, read options, label) for each dataset in the file: every shapefile of a zip
    (none is dropped), with its text encoding; the file itself otherwise."""
    if path.suffix.lower() in (".geojson", ".json"):
        # "GeoJSON:path": GDAL opens it as GeoJSON only, never by guessing from its content. For
        # the other formats the child process registers no driver but the format's own.
        return [(f"GeoJSON:{path}", {}, None)]
    if path.suffix.lower() != ".zip":
        return [(str(path), {}, None)]
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        lower = {n.lower(): n for n in names}
        out = []
        for shp in sorted(n for n in names if n.lower().endswith(".shp")):
            stem = shp[:-4]
            dbf = lower.get((stem + ".dbf").lower())
            if (stem + ".cpg").lower() in lower or dbf is None:
                options = {}
            else:
                with archive.open(dbf) as handle:
                    options = _dbf_encoding(handle.read(8 * 2**20))
            label = Path(shp).stem if sum(n.lower().endswith(".shp") for n in names) > 1 else None
            out.append((f"/vsizip/{path}/{shp}", options, label))
    return out


def _fit_geometry(geom, wanted: str, where: str, report: ImportReport):
    """The geometry the layer takes, or a reason to reject. Areas given for a point layer are
    replaced by a point inside them, and that is listed as a repair (nothing changes silently)."""
    family = _GEOM_FAMILY.get(geom.geom_type)
    if geom.geom_type == "GeometryCollection":  # e.g. what make_valid returns for a bow-tie line
        parts = [g for g in shapely.get_parts(geom) if _GEOM_FAMILY.get(g.geom_type)]
        families = {_GEOM_FAMILY[g.geom_type] for g in parts}
        if len(families) == 1:
            family = families.pop()
            geom = shapely.union_all(parts)
    if wanted == "point" and family in ("polygon", "line"):
        report.repairs.append(f"{where}：点图层收到{_GEOM_ZH[family]}，已取其内部一点")
        return geom.representative_point(), None
    if wanted == "polygon_or_point" and family in ("polygon", "point"):
        return geom, None
    if family == wanted:
        return geom, None
    need = "面或点" if wanted == "polygon_or_point" else _GEOM_ZH[wanted]
    return geom, f"几何类型为 {geom.geom_type}，本图层需要{need}"


def import_osm_roads(path: Path | str) -> ImportReport:
    """The walkable ways of an OpenStreetMap ``.osm.pbf`` extract as the road network layer."""
    from chuangcheng.geo.osm import read_walk_lines

    path = Path(path)
    check_file(path)
    lines = read_walk_lines(path)
    accepted = gpd.GeoDataFrame(
        {
            "road_id": lines["osm_id"].astype(str).to_numpy(),
            "road_name": lines["name"].fillna("").to_numpy(),
            "highway": lines["highway"].to_numpy(),
            "source_row": np.arange(1, len(lines) + 1),
        },
        geometry=lines.geometry.values,
        crs="EPSG:4326",
    )
    report = ImportReport(
        file=path.name,
        layer="roads",
        accepted=accepted,
        rejected=_empty_rejected(),
        rows_read=len(accepted),
        mapping={"road_id": "osm_id", "road_name": "name", "highway": "highway"},
    )
    return report


def import_vector(
    path: Path | str, layer: str, *, system: str = "wgs84", mapping: dict[str, str] | None = None
) -> ImportReport:
    """Import a GeoJSON, zipped shapefile, KML/KMZ (every folder) or GeoPackage.

    Files that declare a CRS are reprojected to WGS84 first; ``system`` then says whether the
    longitudes/latitudes carry a GCJ-02 or BD-09 shift (as 奥维 9.3+ KML and 高德 exports do).
    """
    path = Path(path)
    check_file(path)
    frames = []
    layers = []
    for source, options, label in _vector_sources(path):
        try:
            names = [str(name) for name, _ in pyogrio.list_layers(source)]
        except (pyogrio.errors.DataSourceError, OSError) as exc:
            raise CityDataError(f"无法打开 {path.name}：{exc}") from exc
        for name in names:
            layers.append(label or name)
            frames.append(_read_layer(path, source, name, options, label or name, system))
    report = ImportReport(file=path.name, layer=layer, accepted=_empty_gdf(layer), rejected=_empty_rejected())
    return _vector_report(report, frames, layers, path, layer, system, mapping)


def _read_layer(path: Path, source: str, name: str, options: dict, label: str, system: str) -> gpd.GeoDataFrame:
    try:
        part = pyogrio.read_dataframe(source, layer=name, on_invalid="ignore", **options)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, UnicodeDecodeError) as exc:
        raise CityDataError(f"无法读取 {path.name} 的图层 “{label}”：{exc}") from exc
    if part.crs is not None and system in ("cgcs2000_gk", "bd09mc"):
        raise CityDataError(
            f"{path.name} 已声明坐标系（{part.crs.name}），会自动换算；"
            "“坐标系”请选 WGS84，或仅在数据带有高德/百度偏移时选 GCJ-02 / BD-09。"
        )
    if part.crs is not None and part.crs.to_epsg() != 4326:
        try:
            part = part.to_crs("EPSG:4326")
        except Exception as exc:  # pyproj raises several types for unusable definitions
            raise CityDataError(f"{path.name} 的图层 “{label}” 的坐标系无法换算为 WGS84：{exc}") from exc
    elif part.crs is None:
        part = part.set_crs("EPSG:4326", allow_override=True)  # declared system applied below
    part["source_layer"] = label
    part["source_row"] = np.arange(1, len(part) + 1)
    return part


# long: one pass over the features, each check beside the message it gives
def _vector_report(report, frames, layers, path, layer, system, mapping):
    """The per-feature report of the layers read from a vector file."""
    if not frames:
        report.warnings.append("文件中没有图层。")
        return report
    data = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")
    report.rows_read = len(data)
    headers = [c for c in data.columns if c not in ("geometry", "source_layer", "source_row")]
    mapping = dict(mapping) if mapping else guess_mapping(headers, layer)
    report.mapping = mapping
    fields = {f.name: f for f in LAYER_FIELDS[layer]}
    keep, rows, rejected, kept_index = [], [], [], []
    for i, row in data.iterrows():
        where = (
            f"{row['source_layer']} 第 {row['source_row']} 个要素"
            if len(layers) > 1
            else f"第 {row['source_row']} 个要素"
        )
        geom = row.geometry
        if geom is None or geom.is_empty:
            rejected.append(_rejected_row(path.name, int(row["source_row"]), "几何为空", row.drop("geometry")))
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            geom = shapely.make_valid(geom)
            report.repairs.append(f"{where}：几何无效（{reason}），已用 make_valid 修复")
        geom, problem = _fit_geometry(geom, LAYER_GEOMETRY[layer], where, report)
        if problem:
            rejected.append(_rejected_row(path.name, int(row["source_row"]), problem, row.drop("geometry")))
            continue
        values, problems = _parse_cells(
            (
                (name, header, fields.get(name), row[header])
                for name, header in mapping.items()
                if name not in ("lon", "lat")
            ),
            where="字段",
        )
        name_field = registry.layer(layer).name_field
        if name_field and registry.layer(layer).field(name_field).required and name_field not in mapping:
            problems.append("没有名称字段")
        if problems:
            rejected.append(_rejected_row(path.name, int(row["source_row"]), "；".join(problems), row.drop("geometry")))
            continue
        values["source_row"] = int(row["source_row"])
        values["source_layer"] = row["source_layer"]
        keep.append(geom)
        rows.append(values)
        kept_index.append(i)
    if rows:
        geoms = np.array(keep, dtype=object)
        if system != "wgs84":
            from chuangcheng.geo.coords import transform_geometries

            geoms = transform_geometries(geoms, lambda x, y: coordinates.to_wgs84(x, y, system))
        bounds = shapely.bounds(geoms)
        plausible = (
            np.isfinite(bounds).all(axis=1)
            & (bounds[:, 0] >= -180)
            & (bounds[:, 2] <= 180)
            & (bounds[:, 1] >= -90)
            & (bounds[:, 3] <= 90)
        )
        for k in np.flatnonzero(~plausible):
            row = data.loc[kept_index[k]]
            rejected.append(
                _rejected_row(
                    path.name,
                    int(row["source_row"]),
                    f"坐标超出经纬度范围（{_bounds_text(bounds[k])}），请检查坐标系是否选对",
                    row.drop("geometry"),
                )
            )
        rows = [r for r, ok in zip(rows, plausible) if ok]
        report.accepted = gpd.GeoDataFrame(
            pd.DataFrame(rows, columns=None if rows else ["source_row"]),
            geometry=list(geoms[plausible]),
            crs="EPSG:4326",
        )
    report.rejected = pd.DataFrame(rejected) if rejected else _empty_rejected()
    return report


def _naming(read):
    """Decorate a reader so that every refusal names the file (a message that does not is
    prefixed with it)."""
    import functools

    @functools.wraps(read)
    def wrapped(path, *args, **kwargs):
        try:
            return read(path, *args, **kwargs)
        except CityDataError as exc:
            name = Path(path).name
            if name in str(exc):
                raise
            raise type(exc)(f"文件 {name}：{exc}") from exc

    return wrapped


@_naming
def file_headers(path: Path | str, layer: str) -> list[str]:
    """The column names a file offers for mapping (header row of a table, fields of a vector)."""
    path = Path(path)
    check_file(path)
    if path.suffix.lower() == ".pbf":
        return ["osm_id", "name", "highway"]
    if path.suffix.lower() in TABLE_SUFFIXES:
        raw = read_raw_table(path, lambda frame: header_row(frame, layer) is not None)
        if raw.empty:
            return []
        header_at = find_header(raw, layer)
        return _unique([str(h).strip() if not is_blank(h) else f"列{j + 1}" for j, h in enumerate(raw.iloc[header_at])])
    columns: list[str] = []
    try:
        for source, options, _ in _vector_sources(path):
            for name in (str(n) for n, _ in pyogrio.list_layers(source)):
                info = pyogrio.read_info(source, layer=name, **options)
                columns += [str(c) for c in info["fields"] if str(c) not in columns]
        return columns
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        raise CityDataError(f"无法打开 {path.name}：{exc}") from exc


@_naming
def import_file(path: Path | str, layer: str, **options) -> ImportReport:
    """Import any supported file by its extension (a refusal names the file)."""
    path = Path(path)
    if layer not in LAYER_FIELDS:
        raise CityDataError(f"不能导入到图层 “{layer}”，可选：{', '.join(LAYER_FIELDS)}。")
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return import_table(path, layer, **options)
    if suffix == ".pbf":
        if layer != "roads":
            raise CityDataError("OSM .pbf 文件用于导入道路网（roads）；设施请从 OSM 标签用命令行 cli.coverage 读取。")
        return import_osm_roads(path)
    if suffix in VECTOR_SUFFIXES:
        options.pop("central_meridian_deg", None)
        return import_vector(path, layer, **options)
    raise CityDataError(f"不支持的文件类型 “{suffix}”。支持：{', '.join(TABLE_SUFFIXES + VECTOR_SUFFIXES)}。")


# ---------------------------------------------------------------- helpers


def _bounds_text(bounds) -> str:
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    return f"经度 {minx:.6g}–{maxx:.6g}，纬度 {miny:.6g}–{maxy:.6g}"


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h}_{seen[h]}")
    return out


def _empty_gdf(layer: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"source_row": pd.Series(dtype=int)}, geometry=[], crs="EPSG:4326")


def _empty_rejected() -> pd.DataFrame:
    return pd.DataFrame(columns=["file", "row", "reason"])


def _rejected_row(file: str, row_no: int, reason: str, cells: pd.Series) -> dict:
    out = {"file": file, "row": row_no, "reason": reason}
    out.update(
        {str(k): ("" if is_blank(v) else str(v)) for k, v in cells.items() if k not in ("source_row", "source_layer")}
    )
    return out
