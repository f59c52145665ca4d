"""Generated residential compounds and the five mission layers (GENERATED demo data).

Positions follow a population-intensity surface centred on the old city; counts and attribute
mixes are plausible for a district of ~229 km² but are not survey results. The real figures
from public reports that the demo reproduces are passed in by ``demo.build`` and noted in the
file's meta table. All geometry is in the district's metric CRS (metres).
"""

from __future__ import annotations

from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import ops

from chuangcheng.demo.names import COMMUNITY_STEMS, COMPOUND_SUFFIXES, ROAD_STEMS_EW, ROAD_STEMS_NS, person_names

STEMS = COMMUNITY_STEMS + ROAD_STEMS_EW + ROAD_STEMS_NS


class Town(NamedTuple):
    """Where a district's life is centred (metric CRS), and how big it is.

    ``scale`` shrinks distances: a town of scale 0.4 looks, to the generators below, like
    平城区 seen from 2.5 times closer, so the same thresholds give a smaller town.
    """

    x_m: float
    y_m: float
    scale: float = 1.0
    district: str = "平城区"
    tag: str = ""  # in ids, so they stay unique across districts ("" for 平城区)
    old_city: bool = True  # a walled old city of low-rise courtyards at the centre


def intensity(dist_m: np.ndarray) -> np.ndarray:
    """Relative residential intensity (0–1) at a (scaled) distance in metres from the centre."""
    return np.exp(-((np.asarray(dist_m) / 5200.0) ** 2))


def _dist(x, y, centre):
    """Distance from the town centre in 平城区-equivalent metres (see :class:`Town`)."""
    scale = centre.scale if isinstance(centre, Town) else 1.0
    return np.hypot(np.asarray(x) - centre[0], np.asarray(y) - centre[1]) / scale


def allocate_total(weights: np.ndarray, total: int, caps: np.ndarray | None = None) -> np.ndarray:
    """Integers proportional to ``weights`` that sum exactly to ``total`` (largest remainder),
    never above ``caps`` when given."""
    weights = np.asarray(weights, dtype=float)
    caps = np.full(len(weights), total, dtype=np.int64) if caps is None else np.asarray(caps)
    if caps.sum() < total:
        raise ValueError(f"上限之和 {caps.sum()} 小于需要分配的总数 {total}。")
    out = np.zeros(len(weights), dtype=np.int64)
    remaining = total
    free = caps > 0
    while remaining > 0:
        w = np.where(free, weights, 0.0)
        if w.sum() == 0:
            w = free.astype(float)
        share = w / w.sum() * remaining
        add = np.minimum(np.floor(share).astype(np.int64), caps - out)
        left = remaining - add.sum()
        order = np.argsort(-(share - np.floor(share)), kind="stable")
        for i in order:
            if left == 0:
                break
            if free[i] and out[i] + add[i] < caps[i]:
                add[i] += 1
                left -= 1
        out += add
        remaining = total - out.sum()
        free = out < caps
    return out


# long: the demo's compound generation in one pass (generated data, fixed by seed)
def generate_compounds(
    district: shapely.Geometry,
    centre: Town | tuple[float, float],
    *,
    n_old_renovating: int,
    rng: np.random.Generator,
    crs: str,
    village_p: float = 0.035,
) -> gpd.GeoDataFrame:
    """Residential compounds (and villages) as rectangles with households and population."""
    spacing_m = 220.0
    minx, miny, maxx, maxy = district.bounds
    gx, gy = np.meshgrid(np.arange(minx, maxx, spacing_m), np.arange(miny, maxy, spacing_m))
    x = gx.ravel() + rng.uniform(-12, 12, gx.size)
    y = gy.ravel() + rng.uniform(-12, 12, gy.size)
    d = _dist(x, y, centre)
    urban_p = np.clip(1.15 * intensity(d), 0, 0.93)
    village_share = np.where(d > 8000, village_p, 0.0)
    draw = rng.random(x.size)
    is_urban = draw < urban_p
    is_village = ~is_urban & (draw < urban_p + village_share)
    keep = is_urban | is_village
    x, y, d, is_village = x[keep], y[keep], d[keep], is_village[keep]

    old_city = (
        (np.abs(x - centre[0]) <= 900)
        & (np.abs(y - centre[1]) <= 900)
        & (not isinstance(centre, Town) or centre.old_city)
    )
    width = np.where(old_city, rng.uniform(80, 150, x.size), rng.uniform(120, 200, x.size))
    height = np.where(old_city, rng.uniform(70, 140, x.size), rng.uniform(100, 190, x.size))
    width = np.where(is_village, rng.uniform(250, 420, x.size), width)
    height = np.where(is_village, rng.uniform(200, 380, x.size), height)
    boxes = shapely.box(x - width / 2, y - height / 2, x + width / 2, y + height / 2)
    inside = shapely.within(boxes, district)
    x, y, d, is_village, old_city = x[inside], y[inside], d[inside], is_village[inside], old_city[inside]
    boxes, width, height = boxes[inside], width[inside], height[inside]

    n = len(boxes)
    area = width * height
    # Old-city courtyards are low-rise; the ring roads' towers hold the most homes per m².
    per_m2 = np.where(old_city, 0.005, 0.006 + 0.010 * intensity(d))
    households = np.where(
        is_village, rng.integers(80, 320, n), np.maximum(40, (area * per_m2 * rng.uniform(0.7, 1.3, n)).round())
    )
    households = households.astype(np.int64)
    population = np.round(households * rng.uniform(2.4, 2.9, n)).astype(np.int64)

    # Older homes near the centre: the possible age grows with intensity.
    age_years = rng.uniform(0, 1, n) * (15 + 35 * intensity(d))
    built_year = np.round(2024 - age_years).astype(int)
    is_old = (built_year < 2000) & ~is_village
    renovating = np.zeros(n, dtype=bool)
    old_idx = np.flatnonzero(is_old)
    if len(old_idx) < n_old_renovating:
        raise ValueError(f"生成的老旧小区只有 {len(old_idx)} 个，不足 {n_old_renovating} 个。")
    renovating[rng.choice(old_idx, n_old_renovating, replace=False)] = True
    renovation = np.where(renovating, "改造中", np.where(is_old, "待改造", "不涉及"))
    rating = rng.choice(np.array(["蓝牌", "黄牌", "红牌"]), n, p=[0.5, 0.35, 0.15])

    stems = rng.choice(np.array(STEMS), n)
    suffix = rng.choice(np.array(COMPOUND_SUFFIXES), n)
    names = [f"{s}村" if v else f"{s}{suf}" for s, suf, v in zip(stems, suffix, is_village)]
    names = _deduplicate(names)
    return gpd.GeoDataFrame(
        {
            "compound_id": [f"XQ{_tag(centre)}{i + 1:05d}" for i in range(n)],
            "compound_name": names,
            "households": households,
            "population": population,
            "built_year": built_year,
            "is_village": is_village,
            "is_old_compound": is_old,
            "renovation_status": renovation,
            "rating": rating,
        },
        geometry=boxes,
        crs=crs,
    )


def _tag(centre) -> str:
    return centre.tag if isinstance(centre, Town) else ""


def _district(centre) -> str:
    return centre.district if isinstance(centre, Town) else "平城区"


def _deduplicate(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}{_ordinal(seen[name])}")
    return out


def _ordinal(n: int) -> str:
    return {2: "二期", 3: "三期", 4: "四期", 5: "五期"}.get(n, f"{n}号院")


def _pick_nodes(
    nodes: gpd.GeoDataFrame,
    centre,
    n: int,
    power: float,
    floor: float,
    rng: np.random.Generator,
    min_gap_m: float = 0.0,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Indices of ``n`` distinct network nodes drawn with probability ∝ intensity**power."""
    x, y = nodes.geometry.x.to_numpy(), nodes.geometry.y.to_numpy()
    w = intensity(_dist(x, y, centre)) ** power + floor
    if mask is not None:
        w = np.where(mask, w, 0.0)
    order = rng.choice(len(nodes), size=int(np.count_nonzero(w)), replace=False, p=w / w.sum())
    if min_gap_m <= 0:
        return order[:n]
    chosen: list[int] = []
    for idx in order:
        if all(np.hypot(x[idx] - x[c], y[idx] - y[c]) >= min_gap_m for c in chosen):
            chosen.append(idx)
            if len(chosen) == n:
                break
    return np.array(chosen)


def _offset_points(
    nodes: gpd.GeoDataFrame, idx: np.ndarray, rng: np.random.Generator, lo_m: float = 8.0, hi_m: float = 25.0
) -> np.ndarray:
    """Points a few metres off the chosen nodes (facilities sit beside, not on, the street)."""
    angle = rng.uniform(0, 2 * np.pi, len(idx))
    r = rng.uniform(lo_m, hi_m, len(idx))
    x = nodes.geometry.x.to_numpy()[idx] + r * np.cos(angle)
    y = nodes.geometry.y.to_numpy()[idx] + r * np.sin(angle)
    return shapely.points(x, y)


def _road_at_nodes(edges: gpd.GeoDataFrame, idx: np.ndarray) -> list[str]:
    """The name of a road through each node (the most important one)."""
    rank = {"primary": 0, "secondary": 1, "residential": 2, "living_street": 3, "unclassified": 4}
    ends = pd.concat(
        [
            edges[["u", "road_name", "highway"]].rename(columns={"u": "node"}),
            edges[["v", "road_name", "highway"]].rename(columns={"v": "node"}),
        ]
    )
    ends = ends.assign(rank=ends["highway"].map(rank)).sort_values(["node", "rank"])
    first = ends.drop_duplicates("node").set_index("node")["road_name"]
    return [str(first.get(i, "无名路")) for i in idx]


def generate_toilets(nodes, edges, centre, *, n: int, rng, crs) -> gpd.GeoDataFrame:
    idx = _pick_nodes(nodes, centre, n, power=1.3, floor=0.01, rng=rng, min_gap_m=120.0)
    geom = _offset_points(nodes, idx, rng)
    d = _dist(shapely.get_x(geom), shapely.get_y(geom), centre)
    rural = d > 9500
    m = len(idx)
    kind = rng.choice(np.array(["固定公厕", "移动公厕", "共享卫生间"]), m, p=[0.62, 0.13, 0.25])
    kind = np.where(rural, "固定公厕", kind)
    grade = np.where(
        kind == "固定公厕", rng.choice(np.array(["一类", "二类", "三类"]), m, p=[0.15, 0.45, 0.40]), "不分级"
    )
    dry_p = np.where(rural, 0.6, np.where(d > 6500, 0.15, 0.03))
    flush = np.where((kind == "固定公厕") & (rng.random(m) < dry_p), "旱厕", "水冲式")
    access_p = np.select(
        [grade == "一类", grade == "二类", grade == "三类", kind == "移动公厕"], [0.95, 0.7, 0.3, 0.1], 0.4
    )
    accessible = rng.random(m) < access_p
    hours = np.where(
        kind == "固定公厕",
        np.where(rng.random(m) < 0.4, "全天开放", "06:00-22:00"),
        np.where(kind == "移动公厕", "07:00-21:00", "08:00-21:00（营业时间）"),
    )
    roads = _road_at_nodes(edges, idx)
    shops = rng.choice(np.array(["超市", "宾馆", "加油站", "银行网点", "商厦", "餐厅", "药店"]), m)
    stems = rng.choice(np.array(STEMS), m)
    names = [
        f"{road}公厕" if k == "固定公厕" else f"{road}移动公厕" if k == "移动公厕" else f"{stem}{shop}（共享卫生间）"
        for road, k, stem, shop in zip(roads, kind, stems, shops)
    ]
    manager = np.where(
        kind == "共享卫生间", [n_.split("（")[0] for n_ in names], f"{_district(centre)}环境卫生服务中心"
    )
    return gpd.GeoDataFrame(
        {
            "toilet_id": [f"GC{_tag(centre)}{i + 1:04d}" for i in range(m)],
            "toilet_name": _deduplicate(names),
            "kind": kind,
            "grade": grade,
            "flush_type": flush,
            "accessible": accessible,
            "opening_hours": hours,
            "manager": manager,
        },
        geometry=geom,
        crs=crs,
    )


def generate_markets(nodes, edges, centre, *, n: int, rng, crs) -> gpd.GeoDataFrame:
    idx = _pick_nodes(nodes, centre, n, power=2.0, floor=0.002, rng=rng, min_gap_m=650.0)
    m = len(idx)
    geom = _offset_points(nodes, idx, rng, 20.0, 45.0)
    d = _dist(shapely.get_x(geom), shapely.get_y(geom), centre)
    market_type = rng.choice(np.array(["农贸市场", "菜市场", "便民市场"]), m, p=[0.5, 0.32, 0.18])
    market_type = np.where(d > 8000, "集贸市场", market_type)
    stalls = np.round(rng.lognormal(np.log(140), 0.55, m)).clip(30, 520).astype(int)
    area = np.round(stalls * rng.uniform(18, 34, m), -1)
    status = rng.choice(np.array(["已改造", "改造中", "未改造"]), m, p=[0.45, 0.25, 0.30])
    stems = rng.choice(np.array(STEMS), m)
    names = _deduplicate([f"{s}{t}" for s, t in zip(stems, market_type)])
    operators = [f"大同市{s}市场管理有限公司（示例）" for s in stems]
    return gpd.GeoDataFrame(
        {
            "market_id": [f"NM{_tag(centre)}{i + 1:03d}" for i in range(m)],
            "market_name": names,
            "market_type": market_type,
            "stalls": stalls,
            "area_m2": area,
            "upgrade_status": status,
            "operator": operators,
            "road_name": _road_at_nodes(edges, idx),
        },
        geometry=geom,
        crs=crs,
    )


def generate_parking_lots(nodes, edges, centre, *, n: int, rng, crs) -> gpd.GeoDataFrame:
    idx = _pick_nodes(nodes, centre, n, power=1.6, floor=0.003, rng=rng, min_gap_m=200.0)
    m = len(idx)
    geom = _offset_points(nodes, idx, rng, 15.0, 40.0)
    kind = rng.choice(np.array(["路外平面", "地下", "立体"]), m, p=[0.6, 0.28, 0.12])
    base = np.where(kind == "路外平面", 80, np.where(kind == "地下", 220, 150))
    capacity = np.round(base * rng.lognormal(0, 0.5, m)).clip(20, 900).astype(int)
    fee = np.where(rng.random(m) < 0.72, "收费", "免费")
    stems = rng.choice(np.array(STEMS), m)
    names = _deduplicate(
        [f"{s}{'地下' if k == '地下' else '立体' if k == '立体' else ''}停车场" for s, k in zip(stems, kind)]
    )
    return gpd.GeoDataFrame(
        {
            "lot_id": [f"TCC{_tag(centre)}{i + 1:03d}" for i in range(m)],
            "lot_name": names,
            "kind": kind,
            "capacity": capacity,
            "fee": fee,
            "road_name": _road_at_nodes(edges, idx),
        },
        geometry=geom,
        crs=crs,
    )


def generate_section_lines(edges, centre, *, n_sections: int, rng) -> list[tuple[str, shapely.Geometry]]:
    """``n_sections`` road sections (road name, line) for temporary on-street bays."""
    mid = edges.geometry.interpolate(0.5, normalized=True)
    d = _dist(mid.x, mid.y, centre)
    ok = edges["highway"].isin(["secondary", "residential"]).to_numpy() & (d < 6500) & (d > 700)
    roads = edges[ok].dissolve(by="road_name", as_index=False)
    roads["geometry"] = shapely.line_merge(roads.geometry.values)
    pieces = []
    for _, row in roads.iterrows():
        for line in shapely.get_parts(row.geometry):
            if line.length >= 300:
                pieces.append((row["road_name"], line))
    order = rng.permutation(len(pieces))
    sections = []
    used_roads: dict[str, int] = {}
    for i in order:
        road, line = pieces[i]
        if used_roads.get(road, 0) >= 2:
            continue
        length = float(rng.uniform(300, min(800, line.length)))
        start = float(rng.uniform(0, line.length - length))
        sections.append((road, ops.substring(line, start, start + length)))
        used_roads[road] = used_roads.get(road, 0) + 1
        if len(sections) == n_sections:
            break
    if len(sections) < n_sections:
        raise ValueError(f"可用于施划泊位的路段只有 {len(sections)} 条，少于 {n_sections} 条。")
    return sections


def allocate_sections(
    sections: list[tuple[str, shapely.Geometry]],
    *,
    planned_total: int,
    painted_total: int,
    rng,
    crs,
    ids: list[str],
    units: list[str],
) -> gpd.GeoDataFrame:
    """Sections with planned bays (by length) and the painted total each has reached (uneven,
    as in reality: many untouched, some finished); both totals are exact."""
    names, geoms = zip(*sections)
    n_sections = len(sections)
    length_m = np.array([g.length for g in geoms])
    planned = allocate_total(length_m, planned_total)
    progress = np.where(rng.random(n_sections) < 0.35, 0.0, rng.uniform(0.05, 1.0, n_sections))
    progress = np.where(rng.random(n_sections) < 0.08, 1.0, progress)
    painted = allocate_total(planned * progress, painted_total, caps=planned)
    return gpd.GeoDataFrame(
        {
            "section_id": ids,
            "road_name": _deduplicate(list(names)),
            "responsible_unit": units,
            "planned_bays": planned,
            "painted_bays": painted,
        },
        geometry=list(geoms),
        crs=crs,
    )


# How many of the 87 points fall in each of the 26 types (sums to 87).
POINT_TYPE_COUNTS = {
    "新时代文明实践中心": 2,
    "政务大厅": 1,
    "银行网点": 2,
    "窗口单位": 3,
    "公交站点": 6,
    "公交车": 1,
    "出租车": 1,
    "室外公共厕所": 6,
    "公共广场": 3,
    "宾馆酒店": 2,
    "公园": 4,
    "社区": 6,
    "建筑工地": 2,
    "景区景点": 2,
    "中小学校": 4,
    "商场超市": 3,
    "医院": 3,
    "公共文化设施": 2,
    "主要交通路口": 4,
    "背街小巷": 6,
    "商业大街": 3,
    "主次干道": 6,
    "城乡接合部": 3,
    "集贸市场": 5,
    "小区": 6,
    "乡镇": 1,
}

RESPONSIBLE_UNITS = {
    "新时代文明实践中心": "平城区委宣传部",
    "政务大厅": "平城区行政审批服务管理局",
    "银行网点": "所在银行网点",
    "窗口单位": "平城区市场监督管理局",
    "公交站点": "大同市公共交通公司（示例）",
    "公交车": "大同市公共交通公司（示例）",
    "出租车": "大同市交通运输局",
    "室外公共厕所": "平城区环境卫生服务中心",
    "公共广场": "平城区城市管理局",
    "宾馆酒店": "平城区文化和旅游局",
    "公园": "平城区园林绿化中心",
    "社区": "所在街道办事处",
    "建筑工地": "平城区住房和城乡建设局",
    "景区景点": "平城区文化和旅游局",
    "中小学校": "平城区教育局",
    "商场超市": "平城区商务局",
    "医院": "平城区卫生健康局",
    "公共文化设施": "平城区文化和旅游局",
    "主要交通路口": "大同市公安局交警支队平城大队",
    "背街小巷": "所在街道办事处",
    "商业大街": "平城区城市管理局",
    "主次干道": "平城区城市管理局",
    "城乡接合部": "所在街道办事处",
    "集贸市场": "平城区市场监督管理局",
    "小区": "所在社区居委会",
    "乡镇": "所在乡镇人民政府",
}

_NAME_PATTERNS = {
    "新时代文明实践中心": "{stem}新时代文明实践所",
    "政务大厅": "{district}政务服务中心",
    "银行网点": "{stem}银行网点（示例）",
    "窗口单位": "{stem}供电营业厅",
    "公交车": "{n}路公交车",
    "出租车": "{stem}出租车候客点",
    "公共广场": "{stem}广场",
    "宾馆酒店": "{stem}宾馆",
    "公园": "{stem}公园",
    "建筑工地": "{stem}项目建筑工地",
    "景区景点": "{stem}古建景区",
    "中小学校": "{stem}小学",
    "商场超市": "{stem}商厦",
    "医院": "{stem}医院",
    "公共文化设施": "{stem}文化馆",
    "城乡接合部": "{stem}城乡接合部片区",
    "乡镇": "{stem}集镇",
}


# long: one block per inspection-point type, in domain.md's order
def generate_inspection_points(  # noqa: C901 — one branch per inspection-point type, in domain.md's order
    nodes, edges, compounds, toilets, markets, communities, centre, *, rng, crs, counts: dict[str, int] | None = None
) -> gpd.GeoDataFrame:
    """Field-inspection points of every type (``counts``; 平城区's 87 by default). Their results
    are not stored here: they come from the generated inspection records (``demo.history``)."""
    counts = POINT_TYPE_COUNTS if counts is None else counts
    mid = edges.geometry.interpolate(0.5, normalized=True)
    edge_d = _dist(mid.x, mid.y, centre)
    node_x, node_y = nodes.geometry.x.to_numpy(), nodes.geometry.y.to_numpy()
    node_d = _dist(node_x, node_y, centre)
    rows = []

    def add(ptype, geom, name):
        rows.append({"point_type": ptype, "point_name": name, "geometry": geom})

    def pick_edges(mask, k):
        idx = rng.choice(np.flatnonzero(mask), k, replace=False)
        return [(mid.iloc[i], edges["road_name"].iloc[i]) for i in idx]

    for ptype, count in counts.items():
        if count == 0:
            continue
        if ptype == "集贸市场":
            for i in rng.choice(len(markets), count, replace=False):
                add(ptype, markets.geometry.iloc[i], markets["market_name"].iloc[i])
        elif ptype == "室外公共厕所":
            fixed = np.flatnonzero((toilets["kind"] == "固定公厕").to_numpy())
            for i in rng.choice(fixed, count, replace=False):
                add(ptype, toilets.geometry.iloc[i], toilets["toilet_name"].iloc[i])
        elif ptype == "小区":
            urban = np.flatnonzero(~compounds["is_village"].to_numpy())
            for i in rng.choice(urban, count, replace=False):
                add(ptype, compounds.geometry.iloc[i].representative_point(), compounds["compound_name"].iloc[i])
        elif ptype == "社区":
            for i in rng.choice(len(communities), count, replace=False):
                add(
                    ptype,
                    communities.geometry.iloc[i].representative_point(),
                    f"{communities['community_name'].iloc[i]}居委会",
                )
        elif ptype in ("背街小巷", "主次干道", "商业大街"):
            hw = edges["highway"].to_numpy()
            mask = {
                "背街小巷": np.isin(hw, ["living_street", "residential"]) & (edge_d < 3500),
                "主次干道": np.isin(hw, ["primary", "secondary"]) & (edge_d < 6500),
                "商业大街": (hw == "secondary") & (edge_d < 3000),
            }[ptype]
            for geom, road in pick_edges(mask, count):
                add(ptype, geom, f"{road}（{'200' if ptype == '背街小巷' else '500'} 米测评路段）")
        elif ptype in ("主要交通路口", "公交站点"):
            primary_nodes = np.unique(edges.loc[edges["highway"] == "primary", ["u", "v"]].to_numpy())
            ok = primary_nodes[node_d[primary_nodes] < 6000]
            roads = _road_at_nodes(edges, ok)
            for j in rng.choice(len(ok), count, replace=False):
                geom = shapely.Point(node_x[ok[j]] + (12 if ptype == "公交站点" else 0), node_y[ok[j]])
                add(ptype, geom, f"{roads[j]}{'路口' if ptype == '主要交通路口' else '公交站'}")
        else:
            if ptype in ("城乡接合部",):
                mask = (node_d > 6500) & (node_d < 9500)
            elif ptype == "乡镇":
                mask = node_d > 9500
            else:
                mask = node_d < 8000
            # Flatter than population so every 街道 gets some points, as the 测评 route does.
            idx = _pick_nodes(nodes, centre, count, power=0.4, floor=0.05, rng=rng, mask=mask)
            for i in idx:
                stem = STEMS[int(rng.integers(len(STEMS)))]
                name = _NAME_PATTERNS[ptype].format(stem=stem, n=int(rng.integers(1, 60)), district=_district(centre))
                add(ptype, shapely.Point(node_x[i] + 15, node_y[i] + 15), name)

    points = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs)
    n = len(points)
    district = _district(centre)
    points["point_id"] = [f"CP{_tag(centre)}{i + 1:03d}" for i in range(n)]
    points["point_name"] = _deduplicate(points["point_name"].tolist())
    points["responsible_unit"] = points["point_type"].map(RESPONSIBLE_UNITS).str.replace("平城区", district)
    points["responsible_person"] = person_names(rng, n)
    return points
