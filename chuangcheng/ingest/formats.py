"""What a file must be before anything parses it: its declared format, checked by its content.

Every file is treated as written by an attacker. A file is opened only as the format its name
declares, and only if its first bytes say it is that format: a ``.json`` whose content is a GDAL
VRT, a "GeoPackage" that is some other SQLite database, a ``.kml`` that is HTML, are refused. The
GDAL drivers allowed for each format are listed here; the parsing child process
(``ingest.sandbox``) skips every other driver. Archives are checked for paths leaving the archive
and for decompression bombs; workbooks for cell ranges that would take more memory than the
machine has (one cell at XFD1048576 asks for 17 billion).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from chuangcheng.geo.errors import CityDataError

MAX_FILE_BYTES = 200 * 2**20
MAX_ZIP_UNCOMPRESSED_BYTES = 1 * 2**30
MAX_ZIP_RATIO = 100
MAX_SHEET_CELLS = 60_000_000  # e.g. 1,000,000 rows × 60 columns
_SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".qmd"}
_KMZ_PARTS = {".kml", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".dae", ".txt"}


@dataclass(frozen=True)
class Format:
    title: str
    drivers: tuple[str, ...]  # GDAL drivers allowed to open it (empty: not read by GDAL)


FORMATS: dict[str, Format] = {
    ".csv": Format("CSV 表格", ()),
    ".xlsx": Format("Excel 工作簿", ()),
    ".xlsm": Format("Excel 工作簿", ()),
    ".geojson": Format("GeoJSON", ("GeoJSON",)),
    ".json": Format("GeoJSON", ("GeoJSON",)),
    ".kml": Format("KML", ("LIBKML", "KML")),
    ".kmz": Format("KMZ", ("LIBKML", "KML")),
    ".zip": Format("Shapefile（zip）", ("ESRI Shapefile",)),
    ".gpkg": Format("GeoPackage", ("GPKG",)),
    ".pbf": Format("OpenStreetMap PBF", ("OSM",)),
}
SUFFIXES = tuple(FORMATS)


def _head(path: Path, n: int = 4096) -> bytes:
    with path.open("rb") as handle:
        return handle.read(n)


def _text_start(data: bytes) -> bytes:
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if data.startswith(bom):
            data = data[len(bom) :]
    return data.lstrip()


def _refuse(name: str, what: str, reason: str) -> CityDataError:
    return CityDataError(f"文件 {name} 不是有效的{what}：{reason}。请确认文件类型与扩展名一致后重新导入。")


def _check_archive(path: Path, name: str, allowed_parts: set[str] | None) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise CityDataError(f"文件 {name} 不是有效的压缩包（或已损坏）。") from None
    size = path.stat().st_size
    total = sum(i.file_size for i in infos)
    for info in infos:
        member = info.filename.replace("\\", "/")
        if member.startswith("/") or ".." in member.split("/") or ":" in member:
            raise CityDataError(f"压缩包 {name} 中的路径 “{info.filename}” 不安全（指向压缩包以外），已拒绝。")
        if allowed_parts is not None and not info.is_dir() and Path(member).suffix.lower() not in allowed_parts:
            raise CityDataError(
                f"压缩包 {name} 中有不应出现的文件 “{info.filename}”（只接受 "
                f"{'、'.join(sorted(allowed_parts))}），已拒绝。"
            )
    if total > MAX_ZIP_UNCOMPRESSED_BYTES or (size and total / size > MAX_ZIP_RATIO and total > 50 * 2**20):
        raise CityDataError(f"压缩包 {name} 解压后 {total / 2**20:.0f} MB，压缩比异常，疑似压缩炸弹，已拒绝。")
    return infos


_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+\d+:)?([A-Z]{1,3})(\d{1,7})"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _check_workbook(path: Path, name: str) -> None:
    """Refuse sheets whose used range would not fit in memory, before any reader allocates it."""
    infos = _check_archive(path, name, None)
    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    if not sheets:
        raise _refuse(name, "Excel 工作簿", "其中没有工作表")
    with zipfile.ZipFile(path) as archive:
        for info in sheets:
            max_row = max_col = 0
            with archive.open(info) as handle:
                tail = b""
                while chunk := handle.read(1 << 20):
                    data = tail + chunk
                    for match in _DIMENSION.finditer(data):
                        max_col = max(max_col, _column_number(match.group(1)))
                        max_row = max(max_row, int(match.group(2)))
                    for match in _CELL.finditer(data):
                        max_col = max(max_col, _column_number(match.group(1)))
                        max_row = max(max_row, int(match.group(2)))
                    tail = data[-64:]
            if max_row * max_col > MAX_SHEET_CELLS:
                raise CityDataError(
                    f"文件 {name} 的工作表 {Path(info.filename).stem} 使用范围达 {max_row:,} 行 × {max_col:,} 列"
                    f"（约 {max_row * max_col:,} 个单元格），超过上限 {MAX_SHEET_CELLS:,}，已拒绝。"
                    "请删除远处的空单元格或格式后另存再导入。"
                )


def check(path: Path, display_name: str | None = None) -> Format:  # noqa: C901 — one branch per file format, each refusing with its own message
    """The file's format if its content matches its name, else a ``CityDataError`` saying why."""
    name = display_name or path.name
    suffix = path.suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        shp = "（Shapefile 请把 .shp、.shx、.dbf、.prj 等一起压缩成 zip 后导入）" if suffix == ".shp" else ""
        raise CityDataError(
            f"不支持的文件类型 “{suffix or '无扩展名'}”（文件 {name}）。支持：{'、'.join(SUFFIXES)}。{shp}"
        )
    if not path.is_file():
        raise CityDataError(f"找不到文件 {name}。")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise CityDataError(f"文件 {name} 大小 {size / 2**20:.0f} MB，超过上限 {MAX_FILE_BYTES // 2**20} MB。")
    if size == 0:
        raise CityDataError(f"文件 {name} 是空文件。")
    head = _head(path)
    start = _text_start(head)
    if b"<OGRVRTDataSource" in head or b"<VRTDataset" in head:
        raise _refuse(name, fmt.title, "内容是 GDAL 虚拟数据源（VRT），可能引用服务器上的其他文件或网址")
    if suffix in (".geojson", ".json") and not start.startswith((b"{", b"[")):
        raise _refuse(name, fmt.title, "内容不是 JSON")
    if suffix == ".kml" and not (start.startswith((b"<?xml", b"<kml")) and b"<kml" in head):
        raise _refuse(name, fmt.title, "内容不是 KML（缺少 <kml> 根元素）")
    if suffix == ".gpkg":
        if not head.startswith(b"SQLite format 3\x00"):
            raise _refuse(name, fmt.title, "不是 SQLite 数据库文件")
        if head[68:72] not in (b"GPKG", b"GP10", b"GP11"):
            raise _refuse(name, fmt.title, "是 SQLite 数据库但不是 GeoPackage（缺少 GPKG 标识）")
    if suffix == ".pbf" and b"OSMHeader" not in head[:64]:
        raise _refuse(name, fmt.title, "缺少 OSMHeader")
    if suffix in (".zip", ".kmz", ".xlsx", ".xlsm") and not head.startswith(b"PK\x03\x04"):
        raise CityDataError(f"文件 {name} 不是有效的压缩包（或已损坏）。")
    if suffix == ".zip":
        infos = _check_archive(path, name, _SHAPEFILE_PARTS)
        if not any(i.filename.lower().endswith(".shp") for i in infos):
            raise CityDataError(f"压缩包 {name} 中没有 .shp 文件。")
    elif suffix == ".kmz":
        infos = _check_archive(path, name, _KMZ_PARTS)
        if not any(i.filename.lower().endswith(".kml") for i in infos):
            raise _refuse(name, fmt.title, "压缩包中没有 .kml 文件")
    elif suffix in (".xlsx", ".xlsm"):
        _check_workbook(path, name)
    return fmt
