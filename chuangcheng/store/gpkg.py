"""The GeoPackage side of the embedded store: geometry blobs, core tables and spatial indexes.

The embedded store is one SQLite file that is also a valid GeoPackage (OGC 12-128r18): QGIS,
ArcGIS and GDAL open its layers as they are. Geometry is stored as GeoPackage binary (a small
header with the SRS id and the envelope, then ISO WKB, little-endian), always in EPSG:4326.

The R-tree triggers the standard prescribes call ``ST_MinX``…``ST_IsEmpty``; GDAL provides them
in its own connections, and :func:`register_functions` provides them in ours.
"""

from __future__ import annotations

import struct

import numpy as np
import shapely

SRS_ID = 4326
APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10400  # GeoPackage 1.4
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_HEADER = np.dtype(
    [
        ("magic", "S2"),
        ("version", "u1"),
        ("flags", "u1"),
        ("srs_id", "<i4"),
        ("minx", "<f8"),
        ("maxx", "<f8"),
        ("miny", "<f8"),
        ("maxy", "<f8"),
    ]
)
_EMPTY_POINT_FLAGS = 0b0001_0001  # little-endian, no envelope, empty

WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)


def encode(geoms: np.ndarray) -> list[bytes | None]:
    """GeoPackage binary for each shapely geometry (``None`` stays ``None``), EPSG:4326."""
    geoms = np.asarray(geoms, dtype=object)
    out: list[bytes | None] = [None] * len(geoms)
    present = ~shapely.is_missing(geoms)
    if not present.any():
        return out
    idx = np.flatnonzero(present)
    values = geoms[idx]
    wkb = shapely.to_wkb(values, byte_order=1, flavor="iso", output_dimension=2)
    empty = shapely.is_empty(values)
    bounds = shapely.bounds(values)
    header = np.zeros(len(idx), dtype=_HEADER)
    header["magic"] = b"GP"
    header["flags"] = np.where(empty, _EMPTY_POINT_FLAGS, 0b0000_0011)  # envelope [minx,maxx,miny,maxy]
    header["srs_id"] = SRS_ID
    header["minx"], header["miny"], header["maxx"], header["maxy"] = bounds.T
    raw = header.tobytes()
    size = _HEADER.itemsize
    for k, i in enumerate(idx):
        head = raw[k * size : (k + 1) * size]
        out[i] = (head[:8] if empty[k] else head) + wkb[k]
    return out


def header_length(blob: bytes) -> int:
    return 8 + _ENVELOPE_BYTES[(blob[3] >> 1) & 0b111]


def decode(blobs) -> np.ndarray:
    """Shapely geometries from GeoPackage binary blobs (``None`` for NULL)."""
    wkb = [None if b is None else bytes(b[header_length(b) :]) for b in blobs]
    return shapely.from_wkb(wkb)


def _envelope(blob) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) from the header, or from the geometry when it has none."""
    if blob is None:
        return None
    if (blob[3] >> 1) & 0b111:
        return struct.unpack_from("<4d" if blob[3] & 1 else ">4d", blob, 8)
    geom = shapely.from_wkb(bytes(blob[header_length(blob) :]))
    if geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return minx, maxx, miny, maxy


def _is_empty(blob) -> int | None:
    if blob is None:
        return None
    if (blob[3] >> 4) & 1:
        return 1
    return 0 if _envelope(blob) is not None else 1


def register_functions(dbapi_connection) -> None:
    """The SQL functions the GeoPackage R-tree triggers need, on a sqlite3 connection."""

    def part(k):
        def fn(blob):
            env = _envelope(blob)
            return None if env is None else env[k]

        return fn

    for k, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        dbapi_connection.create_function(name, 1, part(k), deterministic=True)
    dbapi_connection.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)


CORE_DDL = (
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {USER_VERSION}",
    """CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)""",
    """CREATE TABLE IF NOT EXISTS gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '',
        last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
    """CREATE TABLE IF NOT EXISTS gpkg_extensions (
        table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
        scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))""",
    """INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
        ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
        ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system')""",
)


def core_statements() -> list[tuple[str, dict]]:
    """Statements (with parameters) that make an empty SQLite file a GeoPackage."""
    out: list[tuple[str, dict]] = [(s, {}) for s in CORE_DDL]
    out.append(
        (
            "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES "
            "('WGS 84 geodetic', 4326, 'EPSG', 4326, :wkt, 'longitude/latitude coordinates in "
            "decimal degrees on the WGS 84 spheroid')",
            {"wkt": WGS84_WKT},
        )
    )
    return out


def feature_table_statements(
    table: str, geometry_type: str, identifier: str, description: str
) -> list[tuple[str, dict]]:
    """Register an existing table (``fid`` key, ``geom`` column) as a feature layer with an
    R-tree spatial index kept up to date by the standard triggers."""
    rtree = f"rtree_{table}_geom"
    t, r = f'"{table}"', f'"{rtree}"'
    box = "NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)"
    stmts = [
        (
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
            "VALUES (:t, 'features', :i, :d, 4326)",
            {"t": table, "i": identifier, "d": description},
        ),
        ("INSERT INTO gpkg_geometry_columns VALUES (:t, 'geom', :g, 4326, 0, 0)", {"t": table, "g": geometry_type}),
        (
            "INSERT INTO gpkg_extensions VALUES (:t, 'geom', 'gpkg_rtree_index', "
            "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            {"t": table},
        ),
        (f"CREATE VIRTUAL TABLE {r} USING rtree(id, minx, maxx, miny, maxy)", {}),
        (
            f'CREATE TRIGGER "{rtree}_insert" AFTER INSERT ON {t} WHEN (new.geom NOT NULL AND NOT '
            f"ST_IsEmpty(NEW.geom)) BEGIN INSERT OR REPLACE INTO {r} VALUES ({box}); END",
            {},
        ),
        (
            f'CREATE TRIGGER "{rtree}_update1" AFTER UPDATE OF geom ON {t} WHEN OLD.fid = NEW.fid AND '
            f"(NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN INSERT OR REPLACE INTO {r} "
            f"VALUES ({box}); END",
            {},
        ),
        (
            f'CREATE TRIGGER "{rtree}_update2" AFTER UPDATE OF geom ON {t} WHEN OLD.fid = NEW.fid AND '
            f"(NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM {r} WHERE id = OLD.fid; END",
            {},
        ),
        (
            f'CREATE TRIGGER "{rtree}_update3" AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND '
            f"(NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM {r} WHERE id = OLD.fid; "
            f"INSERT OR REPLACE INTO {r} VALUES ({box}); END",
            {},
        ),
        (
            f'CREATE TRIGGER "{rtree}_update4" AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND '
            f"(NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM {r} WHERE id IN (OLD.fid, NEW.fid); END",
            {},
        ),
        (
            f'CREATE TRIGGER "{rtree}_delete" AFTER DELETE ON {t} WHEN old.geom NOT NULL BEGIN '
            f"DELETE FROM {r} WHERE id = OLD.fid; END",
            {},
        ),
    ]
    return stmts


def attribute_table_statement(table: str, identifier: str, description: str) -> tuple[str, dict]:
    """Register a plain table so GIS programs list it (e.g. the problem ledger)."""
    return (
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (:t, 'attributes', :i, :d)",
        {"t": table, "i": identifier, "d": description},
    )
