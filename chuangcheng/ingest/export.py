"""Export a layer as GeoPackage, GeoJSON, zipped shapefile, KML or Excel, in WGS84 or GCJ-02.

GCJ-02 output is for 高德 and 奥维 users; it is labelled in the file name. Excel carries the
longitude/latitude of a point inside each feature (the geometry's own vertices go in the
spatial formats).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from chuangcheng.geo.coords import transform_geometries, wgs84_to_gcj02
from chuangcheng.geo.errors import CityDataError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR)
    prefixed with an apostrophe, so Excel and WPS show them as text; numbers are left alone."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            values = out[column].astype(object)
            risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS))
            if risky.any():
                out[column] = values.where(~risky, "'" + values.astype(str))
    out.columns = [("'" + c) if isinstance(c, str) and c.startswith(FORMULA_STARTS) else c for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens it as UTF-8), formulas neutralised. Lines end in CRLF,
    so a cell holding a lone CR or LF is quoted and cannot split its row."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _xlsx_value(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()  # numpy scalars
    return value


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "Sheet1") -> bytes:
    """An Excel workbook of the table. Text that a spreadsheet would run as a formula is stored
    as a text cell with Excel's quote prefix: it shows exactly as typed and never runs."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)

    def cell(value):
        value = _xlsx_value(value)
        if not (isinstance(value, str) and value.startswith(FORMULA_STARTS)):
            return value
        text = WriteOnlyCell(worksheet, value=value)
        text.data_type = "s"  # the value setter took it for a formula
        text.quotePrefix = True
        return text

    worksheet.append([cell(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        worksheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FORMATS = {"gpkg": "GeoPackage", "geojson": "GeoJSON", "shp": "Shapefile（zip）", "kml": "KML", "xlsx": "Excel"}
SYSTEMS = {"wgs84": "WGS84", "gcj02": "GCJ-02"}


def _in_system(gdf: gpd.GeoDataFrame, system: str) -> gpd.GeoDataFrame:
    out = gdf.to_crs("EPSG:4326")
    if system == "gcj02":
        out = out.set_geometry(transform_geometries(out.geometry, wgs84_to_gcj02))
    elif system != "wgs84":
        raise CityDataError(f"导出坐标系只能是 {', '.join(SYSTEMS)}。")
    return out


def export_layer(gdf: gpd.GeoDataFrame, fmt: str, *, layer_name: str, system: str = "wgs84") -> bytes:
    """The file's bytes. Column names and text are kept as they are (UTF-8; shapefile GBK-free)."""
    if fmt not in FORMATS:
        raise CityDataError(f"不支持的导出格式 “{fmt}”，可选：{', '.join(FORMATS)}。")
    data = _in_system(gdf, system)
    data = data[~(data.geometry.isna() | data.geometry.is_empty)]
    if fmt == "xlsx":
        pts = data.geometry.representative_point()
        table = pd.DataFrame(data.drop(columns="geometry")).assign(
            **{"经度": pts.x.round(7), "纬度": pts.y.round(7), "坐标系": SYSTEMS[system]}
        )
        return to_xlsx_bytes(table)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if fmt == "shp":
            target = folder / f"{layer_name}.shp"
            pyogrio.write_dataframe(data, target, driver="ESRI Shapefile", encoding="UTF-8")
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for part in sorted(folder.iterdir()):
                    archive.write(part, part.name)
            return buffer.getvalue()
        suffix = {"gpkg": ".gpkg", "geojson": ".geojson", "kml": ".kml"}[fmt]
        driver = {"gpkg": "GPKG", "geojson": "GeoJSON", "kml": "LIBKML"}[fmt]
        target = folder / f"{layer_name}{suffix}"
        pyogrio.write_dataframe(data, target, layer=layer_name, driver=driver)
        return target.read_bytes()
