"""Batch 15分钟生活圈 analysis from the command line.

The city store (the demo city, or any city built into a store; ``--url`` or
$CHUANGCHENG_STORE_URL, default data/store/city.gpkg)::

    chuangcheng coverage --facility public_toilets --band 15min --out out/
    chuangcheng coverage --facility markets --metres 800 --sites 5 --out out/

An OpenStreetMap extract, facilities from OSM tags (amenity=toilets / marketplace / parking) or
a file, residents from a file with a ``population`` column or, when none is given, estimated
from residential buildings::

    chuangcheng coverage --pbf city.osm.pbf --facility public_toilets --metres 500 --out out/

Writes ``coverage.gpkg`` (layers ``residents`` with per-point distances, ``areas`` with per-area
summaries, ``sites`` when asked) and the same tables as CSV (UTF-8 with BOM, opens in Excel),
then prints a short summary. Distances are in metres; ``distance_m`` is empty beyond the cutoff.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from chuangcheng import store
from chuangcheng.geo import osm
from chuangcheng.geo.coverage import METHOD_TITLES, NETWORK
from chuangcheng.geo.crs import local_metric_crs
from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.lifecircle import AREA_LEVELS, BANDS, FACILITY_TYPES, CoverageRequest, analyse, suggest_sites
from chuangcheng.geo.network import WalkNetwork, build_network
from chuangcheng.geo.standards import load_standards, threshold
from chuangcheng.ingest.export import to_csv_bytes

ANALYSIS_SQUARE_M = 1000.0


def _read_points(path: Path, what: str) -> gpd.GeoDataFrame:
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types; the message names the file
        raise CityDataError(f"无法读取{what}文件 {path}：{exc}") from exc
    if gdf.crs is None:
        raise CityDataError(f"{what}文件 {path} 没有坐标参考系；请使用带 CRS 的 GeoJSON/GeoPackage。")
    return gdf.to_crs("EPSG:4326")


def analysis_squares(residents: gpd.GeoDataFrame, size_m: float = ANALYSIS_SQUARE_M) -> gpd.GeoDataFrame:
    """Square analysis cells over the residents (used when no areas file is given)."""
    crs = local_metric_crs(residents)
    minx, miny, maxx, maxy = residents.to_crs(crs).total_bounds
    xs = np.arange(np.floor(minx / size_m) * size_m, maxx + size_m, size_m)
    ys = np.arange(np.floor(miny / size_m) * size_m, maxy + size_m, size_m)
    cells, codes = [], []
    for j, y in enumerate(ys[::-1][1:]):  # north to south
        for i, x in enumerate(xs[:-1]):
            cells.append(shapely.box(x, y, x + size_m, y + size_m))
            codes.append(f"SQ{j + 1:03d}{i + 1:03d}")
    return gpd.GeoDataFrame(
        {"grid_code": codes, "grid_name": [f"分析方格 {c}" for c in codes]}, geometry=cells, crs=crs
    ).to_crs("EPSG:4326")


def osm_city(args, standards) -> tuple[dict, WalkNetwork]:
    """City frames shaped like the project's layers, from an OSM extract (+ optional files)."""
    network = osm.read_walk_network(args.pbf)
    ftype = FACILITY_TYPES[args.facility]
    if args.facilities:
        fac = _read_points(args.facilities, "设施")
        ids = (
            fac["id"].astype(str)
            if "id" in fac.columns
            else pd.Series([f"F{i + 1}" for i in range(len(fac))], index=fac.index)
        )
        names = fac["name"].astype(str) if "name" in fac.columns else ids
    else:
        fac = osm.read_facilities(args.pbf, args.facility)
        ids, names = fac["osm_id"].astype(str), fac["name"]
    facilities = gpd.GeoDataFrame(
        {ftype.id_col: ids.to_numpy(), ftype.name_col: names.to_numpy()}, geometry=fac.geometry.values, crs="EPSG:4326"
    )
    if args.residents:
        res = _read_points(args.residents, "人口")
        if "population" not in res.columns:
            raise CityDataError(f"人口文件 {args.residents} 需要 population 列（人数）。")
        res_ids = (
            res["id"].astype(str)
            if "id" in res.columns
            else pd.Series([f"R{i + 1}" for i in range(len(res))], index=res.index)
        )
        res_names = res["name"].astype(str) if "name" in res.columns else res_ids
    else:
        per_person = threshold(standards, "floor_area_per_person_m2")
        res = osm.read_residential_buildings(args.pbf, floor_area_per_person_m2=per_person.value)
        res_ids = res["osm_id"].astype(str)
        res_names = "住宅建筑（" + res["building"].astype(str) + "）"
        print(f"人口由 OSM 住宅建筑估算：建筑面积 ÷ {per_person.value} m²/人（{per_person.source_text()}）")
    compounds = gpd.GeoDataFrame(
        {
            "compound_id": res_ids.to_numpy(),
            "compound_name": res_names.to_numpy(),
            "population": pd.to_numeric(res["population"]).fillna(0).astype(np.int64).to_numpy(),
        },
        geometry=res.geometry.values,
        crs="EPSG:4326",
    )
    squares = analysis_squares(compounds)
    where = gpd.sjoin(
        gpd.GeoDataFrame(geometry=compounds.geometry.representative_point(), crs="EPSG:4326"),
        squares,
        how="left",
        predicate="within",
    )
    where = where[~where.index.duplicated()]
    compounds["grid_code"] = where["grid_code"].to_numpy()
    compounds["grid_name"] = where["grid_name"].to_numpy()
    return {ftype.layer: facilities, "compounds": compounds, "grids": squares}, network


# long: the command's steps in order: read, compute, site, write, report
def run(args) -> int:
    started = time.perf_counter()
    standards = load_standards(override_path=args.standards_override)
    if args.pbf:
        city, network = osm_city(args, standards)
        levels = ["grids"]
        source = f"OSM 文件 {args.pbf}"
    else:
        from chuangcheng.store.city import load_city
        from chuangcheng.store.db import redact

        url = store.resolve_url(args.url)
        engine = store.open_store(url)
        city = load_city(engine).frames
        network = build_network(city["walk_nodes"], city["walk_edges"])
        levels = ["grids", "communities", "streets", "districts"]
        source = f"城市存储 {redact(url)}"
    band = "custom" if args.metres else args.band
    request = CoverageRequest(
        facility=args.facility,
        band=band,
        custom_m=args.metres,
        method=args.method,
        excluded_ids=frozenset(args.exclude or ()),
    )
    result = analyse(city, network, standards, request)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    residents = result.compounds.assign(
        distance_m=result.compounds["distance_m"].where(np.isfinite(result.compounds["distance_m"]))
    )
    gpkg = out / "coverage.gpkg"
    gpkg.unlink(missing_ok=True)
    residents.to_file(gpkg, layer="residents", driver="GPKG")
    (out / "residents.csv").write_bytes(to_csv_bytes(residents.drop(columns="geometry")))
    area_frames = []
    for level in levels:
        level_title, code_col, name_col = AREA_LEVELS[level]
        frame = result.by_area(city[level], level)
        frame = frame.assign(level=level_title, area_code=frame[code_col], area_name=frame[name_col])
        area_frames.append(
            frame[
                [
                    "level",
                    "area_code",
                    "area_name",
                    "population",
                    "covered_population",
                    "uncovered_population",
                    "compounds",
                    "uncovered_compounds",
                    "covered_share",
                    "geometry",
                ]
            ]
        )
    areas = gpd.GeoDataFrame(pd.concat(area_frames, ignore_index=True), crs="EPSG:4326")
    areas.to_file(gpkg, layer="areas", driver="GPKG")
    (out / "areas.csv").write_bytes(to_csv_bytes(areas.drop(columns="geometry")))

    totals = result.totals()
    ftype = FACILITY_TYPES[args.facility]
    print(f"数据：{source}")
    print(
        f"设施：{ftype.title_zh} {len(result.facilities)} 个（停用 {len(result.excluded)} 个）；"
        f"方法：{METHOD_TITLES[args.method]}"
    )
    print(f"阈值：{result.cutoff_m:.0f} 米 — {result.threshold.what_zh}，{result.threshold.source_text()}")
    print(
        f"覆盖：{totals['covered_population']:,} / {totals['population']:,} 人"
        f"（{totals['covered_share'] * 100:.1f}%），未覆盖 {totals['uncovered_population']:,} 人、"
        f"{totals['uncovered_compounds']} 个居住点"
    )
    worst = (
        areas[(areas["level"] == AREA_LEVELS[levels[0]][0]) & (areas["uncovered_population"] > 0)]
        .sort_values("uncovered_population", ascending=False)
        .head(5)
    )
    for row in worst.itertuples():
        print(f"  未覆盖最多：{row.area_name}（{row.area_code}）未覆盖 {row.uncovered_population:,} 人")
    if args.sites:
        suggestion = suggest_sites(result, network, args.sites)
        suggestion.sites.to_file(gpkg, layer="sites", driver="GPKG")
        sites = suggestion.sites.assign(lon=suggestion.sites.geometry.x, lat=suggestion.sites.geometry.y)
        (out / "sites.csv").write_bytes(to_csv_bytes(sites.drop(columns="geometry")))
        print(
            f"选址建议 {len(suggestion.sites)} 处：覆盖 {suggestion.before_share * 100:.1f}% → "
            f"{suggestion.after_share * 100:.1f}%"
        )
    print(
        f"已写出 {gpkg}、residents.csv、areas.csv{'、sites.csv' if args.sites else ''}"
        f"（{time.perf_counter() - started:.1f} 秒）"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chuangcheng coverage", description="15分钟生活圈：居民到最近设施的步行距离与覆盖统计。"
    )
    p.add_argument("--facility", choices=list(FACILITY_TYPES), default="public_toilets")
    p.add_argument(
        "--band",
        choices=[b for b in BANDS if b != "custom"],
        default="15min",
        help="步行圈：5min/10min/15min（GB 50180-2018）或 standard（设施服务半径标准）",
    )
    p.add_argument("--metres", type=float, help="自定义距离（米），给出时忽略 --band")
    p.add_argument("--method", choices=list(METHOD_TITLES), default=NETWORK)
    p.add_argument("--exclude", nargs="*", help="假设停用的设施编号")
    p.add_argument("--sites", type=int, default=0, help="建议新增点位数量")
    p.add_argument("--url", help="城市存储地址（默认 $CHUANGCHENG_STORE_URL 或 data/store/city.gpkg）")
    p.add_argument("--pbf", type=Path, help="OpenStreetMap .osm.pbf 文件")
    p.add_argument("--facilities", type=Path, help="设施文件（GeoJSON/GeoPackage，可选 id、name 列）")
    p.add_argument("--residents", type=Path, help="人口文件（含 population 列）")
    p.add_argument("--standards-override", type=Path, help="本市阈值覆盖表（CSV）")
    p.add_argument("--out", type=Path, required=True, help="输出目录")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return run(args)
    except CityDataError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
