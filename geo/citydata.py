"""The one reader (and writer) of a city's data file: a multi-layer GeoPackage.

Every spatial layer is stored in WGS84/CGCS2000 longitude/latitude (EPSG:4326); lengths and
areas in attribute columns are in metres / square metres, named with their unit. The file opens
in QGIS or ArcGIS as it is. A non-spatial ``meta`` table holds key/value provenance: the city,
whether the data is generated, the generator's seed and the sources of real figures.

The registry below is explicit and ordered: it names every layer the app knows, what it is in
Chinese, and the columns the app relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import CityDataError, CityDataMissingError, UnknownLayerError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CITY_PATH = PROJECT_ROOT / "data" / "demo" / "datong_pingcheng.gpkg"
CITY_DATA_ENV = "CHUANGCHENG_CITY_DATA"

META_LAYER = "meta"


@dataclass(frozen=True)
class LayerSpec:
    """What one layer of the city file holds."""

    name: str
    title_zh: str
    geometry: str | None  # "Point", "LineString", "Polygon" (multi-parts allowed); None: a table
    columns: tuple[str, ...]


LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec("admin_boundaries", "行政区划（市、区）", "Polygon", ("adcode", "name", "level")),
    LayerSpec("streets", "街道", "Polygon", ("street_code", "street_name", "area_m2")),
    LayerSpec("communities", "社区", "Polygon",
              ("community_code", "community_name", "street_code", "street_name")),
    LayerSpec("grids", "网格", "Polygon",
              ("grid_code", "grid_name", "community_code", "community_name", "street_code",
               "street_name", "grid_worker")),
    LayerSpec("walk_nodes", "步行路网节点", "Point", ("node_id",)),
    LayerSpec("walk_edges", "步行路网路段", "LineString",
              ("u", "v", "length_m", "highway", "road_name")),
    LayerSpec("roads", "道路（底图）", "LineString", ("road_name", "highway")),
    LayerSpec("compounds", "居民小区", "Polygon",
              ("compound_id", "compound_name", "households", "population", "street_code",
               "community_code", "grid_code")),
    LayerSpec("inspection_points", "测评点位", "Point",
              ("point_id", "point_type", "point_name", "responsible_unit", "responsible_person",
               "latest_result", "latest_check_date", "open_problems", "street_code",
               "community_code", "grid_code")),
    LayerSpec("parking_lots", "公共停车场", "Point",
              ("lot_id", "lot_name", "capacity", "street_code", "community_code")),
    LayerSpec("parking_sections", "施划停车路段", "LineString",
              ("section_id", "road_name", "planned_bays", "painted_bays", "street_code",
               "community_code")),
    LayerSpec("public_toilets", "公共厕所", "Point",
              ("toilet_id", "toilet_name", "kind", "grade", "flush_type", "accessible",
               "opening_hours", "street_code", "community_code")),
    LayerSpec("markets", "农贸市场", "Point",
              ("market_id", "market_name", "stalls", "area_m2", "upgrade_status", "street_code",
               "community_code")),
    LayerSpec("progress_daily", "创城进度（逐日累计）", None,
              ("date", "painted_bays", "planned_bays", "problems_found", "problems_closed")),
)
LAYER_NAMES: tuple[str, ...] = tuple(spec.name for spec in LAYERS)
_SPECS = {spec.name: spec for spec in LAYERS}


def layer_spec(name: str) -> LayerSpec:
    """The registry entry for a layer; an unknown name lists the valid ones."""
    try:
        return _SPECS[name]
    except KeyError:
        raise UnknownLayerError(
            f"没有名为 “{name}” 的图层。可用的图层：{', '.join(LAYER_NAMES)}。"
        ) from None


def resolve_path(path: str | Path | None = None) -> Path:
    """The city file to use: the argument, else $CHUANGCHENG_CITY_DATA, else the demo city."""
    import os

    if path is not None:
        return Path(path)
    env = os.environ.get(CITY_DATA_ENV)
    return Path(env) if env else DEFAULT_CITY_PATH


def _existing(path: str | Path | None) -> Path:
    resolved = resolve_path(path)
    if not resolved.exists():
        raise CityDataMissingError(
            f"找不到城市数据文件 {resolved}。示范城市请先运行 "
            "`python -m demo.build` 生成（README 中的启动命令会自动完成）。"
        )
    return resolved


def list_layers(path: str | Path | None = None) -> list[str]:
    """Names of the layers (spatial and not) present in the file."""
    return [str(name) for name, _ in pyogrio.list_layers(_existing(path))]


def read_layer(name: str, path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Read one registered layer as a GeoDataFrame in EPSG:4326 (a table as a DataFrame).

    Raises ``UnknownLayerError`` for a name not in the registry and ``CityDataError`` when the
    file lacks the layer or a column the app relies on.
    """
    spec = layer_spec(name)
    resolved = _existing(path)
    present = list_layers(resolved)
    if name not in present:
        raise CityDataError(f"城市数据文件 {resolved} 中缺少图层 “{name}”（{spec.title_zh}）。")
    gdf = pyogrio.read_dataframe(resolved, layer=name)
    missing = [col for col in spec.columns if col not in gdf.columns]
    if missing:
        raise CityDataError(
            f"城市数据文件 {resolved} 的图层 “{name}”（{spec.title_zh}）缺少字段："
            f"{', '.join(missing)}。请按 geo/citydata.py 中的图层定义补齐。"
        )
    if spec.geometry is None:
        return gdf
    if gdf.crs is None:
        raise CityDataError(f"图层 “{name}” 没有坐标参考系，应为 EPSG:4326。")
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs("EPSG:4326")
    return gdf


def read_meta(path: str | Path | None = None) -> dict[str, str]:
    """The key/value provenance table of the city file."""
    resolved = _existing(path)
    if META_LAYER not in list_layers(resolved):
        return {}
    table = pyogrio.read_dataframe(resolved, layer=META_LAYER)
    return dict(zip(table["key"].astype(str), table["value"].astype(str)))


def write_city(path: str | Path, layers: dict[str, gpd.GeoDataFrame],
               meta: dict[str, str]) -> Path:
    """Write every registered layer present in ``layers`` plus the meta table to a new file.

    The layers must be in EPSG:4326 and hold the registry's columns; the file is replaced.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    for name, gdf in layers.items():
        spec = layer_spec(name)
        missing = [col for col in spec.columns if col not in gdf.columns]
        if missing:
            raise CityDataError(f"图层 “{name}” 缺少字段：{', '.join(missing)}。")
        if spec.geometry is not None and (gdf.crs is None or gdf.crs.to_epsg() != 4326):
            raise CityDataError(f"图层 “{name}” 必须是 EPSG:4326 经纬度，请先 to_crs('EPSG:4326')。")
        pyogrio.write_dataframe(gdf, tmp, layer=name, driver="GPKG", promote_to_multi=False)
    meta_table = pd.DataFrame({"key": list(meta), "value": [str(v) for v in meta.values()]})
    pyogrio.write_dataframe(meta_table, tmp, layer=META_LAYER, driver="GPKG")
    tmp.replace(target)  # readers never see a half-written file
    return target
