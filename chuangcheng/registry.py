"""Every layer of a city, declared once: what it holds, in Chinese, and how real files name it.

The store builds its tables from these declarations, the importer matches file headers with the
synonyms, and the pages read the titles. Geometry is always WGS84/CGCS2000 longitude/latitude
(EPSG:4326); numeric fields carry their unit in the name (``area_m2``, ``length_m``).

A field is *stored* (written by imports and the generator, versioned by the store). What other
records decide is not a field here but derived when the city is assembled for the pages
(``geo.cityview``): a 测评点位's latest result comes from its inspections, its open problems from
the problem ledger, a road section's painted bays from the painting records, and every
feature's 街道/社区/网格 from where it lies.

This module imports nothing of the project, so every package may read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

KINDS = ("text", "int", "float", "bool", "date")


@dataclass(frozen=True)
class Field:
    """One stored attribute of a layer."""

    name: str
    title_zh: str
    kind: str = "text"  # one of KINDS
    required: bool = False  # an import row without it is rejected
    synonyms: tuple[str, ...] = ()  # header names seen in real files (matched after normalising)


@dataclass(frozen=True)
class Show:
    """How a layer appears on the 作战挂图, in its click details, on posters and on the wall.

    Colours are not here but in ``layers/style.py`` (``CATEGORY_COLORS``, keyed by the layer's
    name): a layer is declared here once, and styled there once."""

    short_title: str  # the layer switch, legend and poster: "公厕"
    color_field: str | None = None  # its values pick the colour
    popup: tuple[str, ...] = ()  # fields shown on click, each labelled with its title_zh
    tooltip: tuple[str, ...] = ()
    order: int = 50  # drawing order among the switchable layers, bottom (low) to top
    legend_label: str = "{title} {value}"  # a category's line in a poster's legend
    poster: bool = True  # drawn on posters when its switch is chosen
    wall: bool = True  # on the wall's overview views (a theme view adds its own layers)


@dataclass(frozen=True)
class Layer:
    """One layer of the city store."""

    name: str
    title_zh: str
    geometry: str  # "point", "line", "polygon" or "polygon_or_point"
    id_field: str
    name_field: str | None
    fields: tuple[Field, ...]
    group: str  # "admin", "network", "base" or "mission"
    importable: bool = True
    id_prefix: str = ""  # for records imported without an id
    located: bool = True  # gets 区/街道/社区/网格 from where it lies (geo.cityview)
    show: Show | None = None  # on the maps as a layer of its own (None: not, or drawn with others)
    standard_key: str | None = None  # a facility residents walk to: its service radius in data/standards.csv
    osm_tag: tuple[str, str] | None = None  # the OSM key and value its features carry (e.g. amenity=toilets)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"图层 “{self.name}” 没有字段 “{name}”。")

    @property
    def on_map(self) -> Show:
        """How the layer shows (for the layers ``shown()`` lists; others raise)."""
        if self.show is None:
            raise KeyError(f"图层 “{self.name}” 不单独显示在地图上。")
        return self.show

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _id(name: str, title: str = "编号", *extra: str) -> Field:
    return Field(
        name,
        title,
        required=False,
        synonyms=(title, "编号", "编码", "代码", "序号", "id", "code", "fid", "objectid", *extra),
    )


def _name(name: str, title: str = "名称", *extra: str) -> Field:
    return Field(name, title, required=True, synonyms=(title, "名称", "名字", "name", "title", "标题", *extra))


ADDRESS = Field("address", "地址", synonyms=("地址", "详细地址", "位置", "address", "addr"))
UNIT = Field("responsible_unit", "责任单位", synonyms=("责任单位", "包联单位", "管理单位", "主管单位", "unit", "owner"))
PERSON = Field("responsible_person", "责任人", synonyms=("责任人", "负责人", "联系人", "person", "contact"))


def _area(
    level_zh: str, code: str, name: str, parent: str | None, parent_zh: str, extra: tuple[Field, ...] = ()
) -> tuple[Field, ...]:
    fields = [
        Field(
            code,
            f"{level_zh}编码",
            required=True,
            synonyms=(f"{level_zh}编码", f"{level_zh}代码", "编码", "代码", "code", "id", "gridcode"),
        ),
        Field(name, f"{level_zh}名称", required=True, synonyms=(f"{level_zh}名称", f"{level_zh}名", "名称", "name")),
    ]
    if parent:
        fields.append(
            Field(
                parent,
                f"所属{parent_zh}编码",
                required=True,
                synonyms=("上级编码", "所属编码", f"{parent_zh}编码", f"所属{parent_zh}", "parentcode", "parent"),
            )
        )
    return tuple(fields) + extra


LAYERS: tuple[Layer, ...] = (
    Layer(
        "admin_boundaries",
        "行政区划（市、区）",
        "polygon",
        "adcode",
        "name",
        (
            Field("adcode", "行政区划代码", required=True, synonyms=("行政区划代码", "adcode", "编码")),
            Field("name", "名称", required=True, synonyms=("名称", "name")),
            Field("level", "级别", synonyms=("级别", "level")),
            Field("parent_adcode", "上级代码", synonyms=("上级代码", "parent")),
        ),
        "admin",
        importable=False,
        located=False,
    ),
    Layer(
        "streets",
        "网格体系：街道（乡镇）",
        "polygon",
        "street_code",
        "street_name",
        _area(
            "街道",
            "street_code",
            "street_name",
            "district_code",
            "区县",
            (Field("kind", "类型（街道/乡镇）", synonyms=("类型", "kind")),),
        ),
        "admin",
        located=False,
    ),
    Layer(
        "communities",
        "网格体系：社区（村）",
        "polygon",
        "community_code",
        "community_name",
        _area("社区", "community_code", "community_name", "street_code", "街道"),
        "admin",
        located=False,
    ),
    Layer(
        "grids",
        "网格体系：网格",
        "polygon",
        "grid_code",
        "grid_name",
        _area(
            "网格",
            "grid_code",
            "grid_name",
            "community_code",
            "社区",
            (Field("grid_worker", "网格员", synonyms=("网格员", "负责人", "worker")),),
        ),
        "admin",
        located=False,
    ),
    Layer(
        "walk_nodes",
        "步行路网节点",
        "point",
        "node_id",
        None,
        (Field("node_id", "节点编号", "int", required=True),),
        "network",
        importable=False,
        located=False,
    ),
    Layer(
        "walk_edges",
        "步行路网路段",
        "line",
        "edge_id",
        "road_name",
        (
            Field("edge_id", "路段编号", required=True),
            Field("u", "起点节点", "int", required=True),
            Field("v", "终点节点", "int", required=True),
            Field("length_m", "长度（米）", "float", required=True),
            Field("highway", "道路等级"),
            Field("road_name", "道路名称"),
        ),
        "network",
        importable=False,
        located=False,
    ),
    Layer(
        "roads",
        "道路网（底图）",
        "line",
        "road_id",
        "road_name",
        (
            _id("road_id", "道路编号"),
            Field("road_name", "道路名称", synonyms=("道路名称", "路名", "名称", "name")),
            Field("highway", "道路等级", synonyms=("道路等级", "等级", "类型", "highway", "class")),
        ),
        "base",
        id_prefix="DL",
        located=False,
    ),
    Layer(
        "compounds",
        "居民小区",
        "polygon_or_point",
        "compound_id",
        "compound_name",
        (
            _id("compound_id", "小区编号"),
            _name("compound_name", "小区名称"),
            ADDRESS,
            Field("households", "户数", "int", synonyms=("户数", "住户数", "households")),
            Field("population", "人口", "int", synonyms=("人口", "人数", "常住人口", "population", "pop")),
            Field("built_year", "建成年份", "int", synonyms=("建成年份", "建成年代", "年代", "built")),
            Field("is_village", "是否村庄", "bool", synonyms=("是否村庄", "村庄")),
            Field("is_old_compound", "是否老旧小区", "bool", synonyms=("是否老旧小区", "老旧小区")),
            Field("renovation_status", "改造状态", synonyms=("改造状态", "改造情况")),
            Field("rating", "红黄蓝牌", synonyms=("红黄蓝牌", "牌照", "评级", "rating")),
        ),
        "base",
        id_prefix="XQ",
    ),
    Layer(
        "inspection_points",
        "测评点位",
        "point",
        "point_id",
        "point_name",
        (
            _id("point_id", "点位编号"),
            _name("point_name", "点位名称"),
            Field("point_type", "点位类型", synonyms=("点位类型", "类型", "类别", "type", "category")),
            ADDRESS,
            UNIT,
            PERSON,
        ),
        "mission",
        id_prefix="CP",
        show=Show(
            "测评点位",
            color_field="latest_result",
            popup=(
                "point_name",
                "point_type",
                "street_name",
                "community_name",
                "grid_code",
                "responsible_unit",
                "responsible_person",
                "latest_result",
                "latest_check_date",
                "open_problems",
                "problem_summary",
            ),
            tooltip=("point_name", "point_type", "latest_result", "open_problems"),
            order=60,
        ),
    ),
    Layer(
        "public_toilets",
        "公共厕所",
        "point",
        "toilet_id",
        "toilet_name",
        (
            _id("toilet_id", "公厕编号"),
            _name("toilet_name", "公厕名称"),
            ADDRESS,
            Field("kind", "类型", synonyms=("类型", "公厕类型", "类别", "kind", "type")),
            Field("grade", "等级", synonyms=("等级", "公厕等级", "类别等级", "grade", "class")),
            Field("flush_type", "水冲/旱厕", synonyms=("水冲旱厕", "冲水方式", "是否旱厕", "flush", "flushtype")),
            Field("accessible", "无障碍厕位", "bool", synonyms=("无障碍", "无障碍厕位", "无障碍设施", "accessible")),
            Field("opening_hours", "开放时间", synonyms=("开放时间", "营业时间", "hours", "openinghours")),
            Field("manager", "管理单位", synonyms=("管理单位", "责任单位", "manager", "unit")),
        ),
        "mission",
        id_prefix="GC",
        standard_key="toilet_radius_m",
        osm_tag=("amenity", "toilets"),
        show=Show(
            "公厕",
            color_field="kind",
            popup=("toilet_name", "kind", "grade", "flush_type", "accessible", "opening_hours", "manager"),
            tooltip=("toilet_name", "kind", "flush_type"),
            order=30,
            legend_label="{value}",
        ),
    ),
    Layer(
        "markets",
        "农贸市场",
        "point",
        "market_id",
        "market_name",
        (
            _id("market_id", "市场编号"),
            _name("market_name", "市场名称"),
            ADDRESS,
            Field("market_type", "市场类型", synonyms=("市场类型", "类型", "type")),
            Field("stalls", "摊位数", "int", synonyms=("摊位数", "摊位", "摊位数量", "stalls")),
            Field(
                "area_m2",
                "面积（平方米）",
                "float",
                synonyms=("面积", "面积平方米", "占地面积", "建筑面积", "area", "aream2"),
            ),
            Field("upgrade_status", "改造状态", synonyms=("改造状态", "改造情况", "是否改造", "status")),
            Field(
                "operator", "经营管理单位", synonyms=("经营管理单位", "开办单位", "管理单位", "责任单位", "operator")
            ),
            Field("road_name", "所在道路", synonyms=("所在道路", "道路", "road")),
        ),
        "mission",
        id_prefix="NM",
        standard_key="market_radius_m",
        osm_tag=("amenity", "marketplace"),
        show=Show(
            "农贸市场",
            color_field="upgrade_status",
            popup=("market_name", "market_type", "stalls", "area_m2", "upgrade_status", "operator"),
            tooltip=("market_name", "upgrade_status", "stalls"),
            order=40,
        ),
    ),
    Layer(
        "parking_lots",
        "公共停车场",
        "point",
        "lot_id",
        "lot_name",
        (
            _id("lot_id", "停车场编号"),
            _name("lot_name", "停车场名称"),
            ADDRESS,
            UNIT,
            Field("kind", "类型", synonyms=("类型", "停车场类型", "kind", "type")),
            Field("capacity", "泊位数", "int", synonyms=("泊位数", "车位数", "泊位", "车位", "capacity", "spaces")),
            Field("fee", "收费", synonyms=("收费", "是否收费", "fee")),
        ),
        "mission",
        id_prefix="TCC",
        standard_key="parking_radius_other_m",
        osm_tag=("amenity", "parking"),
        show=Show(
            "公共停车场",
            popup=("lot_name", "kind", "capacity", "fee"),
            order=20,
            wall=False,  # on the wall's 停车 view only
        ),
    ),
    Layer(
        "parking_sections",
        "施划停车路段",
        "line",
        "section_id",
        "road_name",
        (
            _id("section_id", "路段编号"),
            Field(
                "road_name",
                "路段名称",
                required=True,
                synonyms=("路段名称", "路段", "道路名称", "路名", "名称", "name", "road"),
            ),
            UNIT,
            Field("planned_bays", "规划泊位", "int", synonyms=("规划泊位", "规划泊位数", "计划泊位", "planned")),
        ),
        "mission",
        id_prefix="LD",
        show=Show("施划停车路段", popup=("road_name", "planned_bays", "painted_bays"), order=20),
    ),
)

LAYER_NAMES: tuple[str, ...] = tuple(layer.name for layer in LAYERS)
_BY_NAME = {layer.name: layer for layer in LAYERS}
IMPORTABLE: tuple[str, ...] = tuple(layer.name for layer in LAYERS if layer.importable)


# What the city assembled for the pages adds to a layer's stored fields (``geo.cityview``), with
# the Chinese title popups and tables give it.
DERIVED_TITLES = {
    "district_name": "所属区",
    "street_name": "所属街道",
    "community_name": "所属社区",
    "grid_code": "网格编码",
    "latest_result": "最近测评结果",
    "latest_check_date": "最近测评日期",
    "open_problems": "未整改问题数",
    "problem_summary": "问题摘要",
    "painted_bays": "已施划泊位",
}


def field_title(layer_name: str, field_name: str) -> str:
    """The Chinese title of a stored or derived field of a layer."""
    spec = layer(layer_name)
    if field_name in spec.field_names:
        return spec.field(field_name).title_zh
    return DERIVED_TITLES.get(field_name, field_name)


def register(new: Layer) -> None:
    """Add a layer to the registry (a city's own layer, or a test's): every part that reads the
    registry — store tables, importer, maps, click details, posters — takes it from here."""
    if new.name in _BY_NAME:
        raise ValueError(f"图层 “{new.name}” 已存在。")
    _reindex((*LAYERS, new))


def unregister(name: str) -> None:
    """Take a registered layer out again (tests)."""
    _reindex(tuple(layer for layer in LAYERS if layer.name != name))


def _reindex(layers: tuple[Layer, ...]) -> None:
    global LAYERS, LAYER_NAMES, IMPORTABLE
    LAYERS = layers
    _BY_NAME.clear()
    _BY_NAME.update((layer.name, layer) for layer in layers)
    LAYER_NAMES = tuple(layer.name for layer in layers)
    IMPORTABLE = tuple(layer.name for layer in layers if layer.importable)


class LayerView(Mapping):
    """{layer name: ``read(layer)``} over the registered layers ``keep`` selects, in the
    registry's order, read on each use: a layer registered later is in it at once."""

    def __init__(self, read: Callable[[Layer], object], keep: Callable[[Layer], bool] = lambda _: True):
        self._read, self._keep = read, keep

    def _names(self) -> list[str]:
        return [spec.name for spec in LAYERS if self._keep(spec)]

    def __getitem__(self, name: str):
        spec = _BY_NAME.get(name)
        if spec is None or not self._keep(spec):
            raise KeyError(name)
        return self._read(spec)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


def shown() -> tuple[Layer, ...]:
    """The layers with a map presence of their own, in drawing order (bottom to top)."""
    with_show = [(layer.show.order, i, layer) for i, layer in enumerate(LAYERS) if layer.show is not None]
    return tuple(layer for _, _, layer in sorted(with_show))


class UnknownLayerError(KeyError):
    """A layer name the registry does not hold; the message lists the valid ones."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def layer(name: str) -> Layer:
    """The declaration of a layer; an unknown name lists the valid ones."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownLayerError(f"没有名为 “{name}” 的图层。可用的图层：{', '.join(LAYER_NAMES)}。") from None
