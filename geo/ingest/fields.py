"""What each importable layer holds, and how real files name those fields.

Header names are matched after normalisation (full-width → half-width, case, spaces and
punctuation removed), so "经 度（°）", "Lng" and "LONGITUDE" all find the longitude.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    title_zh: str
    kind: str = "text"        # "text", "int", "float", "bool"
    required: bool = False
    synonyms: tuple[str, ...] = ()


COMMON = {
    "id": Field("id", "编号", synonyms=("编号", "编码", "代码", "序号", "id", "code", "fid", "objectid", "点位编号")),
    "name": Field("name", "名称", required=True,
                  synonyms=("名称", "名字", "点位名称", "公厕名称", "市场名称", "停车场名称", "小区名称",
                            "name", "title", "标题")),
    "address": Field("address", "地址", synonyms=("地址", "详细地址", "位置", "address", "addr")),
    "lon": Field("lon", "经度", "float", synonyms=("经度", "东经", "lng", "lon", "long", "longitude", "x", "x坐标")),
    "lat": Field("lat", "纬度", "float", synonyms=("纬度", "北纬", "lat", "latitude", "y", "y坐标")),
    "unit": Field("unit", "责任单位", synonyms=("责任单位", "包联单位", "管理单位", "主管单位", "unit", "owner")),
    "person": Field("person", "责任人", synonyms=("责任人", "负责人", "联系人", "person", "contact")),
}

LAYER_FIELDS: dict[str, tuple[Field, ...]] = {
    "inspection_points": (
        COMMON["id"], COMMON["name"], COMMON["address"], COMMON["lon"], COMMON["lat"], COMMON["unit"],
        COMMON["person"],
        Field("point_type", "点位类型", synonyms=("类型", "点位类型", "类别", "type", "category")),
        Field("latest_result", "测评结果", synonyms=("结果", "测评结果", "是否达标", "result")),
        Field("open_problems", "未整改问题数", "int", synonyms=("问题数", "未整改问题", "未整改问题数", "problems")),
    ),
    "public_toilets": (
        COMMON["id"], COMMON["name"], COMMON["address"], COMMON["lon"], COMMON["lat"], COMMON["unit"],
        Field("kind", "类型", synonyms=("类型", "公厕类型", "类别", "kind", "type")),
        Field("grade", "等级", synonyms=("等级", "公厕等级", "类别等级", "grade", "class")),
        Field("flush_type", "水冲/旱厕", synonyms=("水冲旱厕", "冲水方式", "是否旱厕", "flush", "flushtype")),
        Field("accessible", "无障碍厕位", "bool", synonyms=("无障碍", "无障碍厕位", "无障碍设施", "accessible")),
        Field("opening_hours", "开放时间", synonyms=("开放时间", "营业时间", "hours", "openinghours")),
    ),
    "markets": (
        COMMON["id"], COMMON["name"], COMMON["address"], COMMON["lon"], COMMON["lat"], COMMON["unit"],
        Field("stalls", "摊位数", "int", synonyms=("摊位数", "摊位", "摊位数量", "stalls")),
        Field("area_m2", "面积（平方米）", "float", synonyms=("面积", "面积平方米", "占地面积", "建筑面积", "area", "aream2")),
        Field("upgrade_status", "改造状态", synonyms=("改造状态", "改造情况", "是否改造", "status")),
    ),
    "parking_lots": (
        COMMON["id"], COMMON["name"], COMMON["address"], COMMON["lon"], COMMON["lat"], COMMON["unit"],
        Field("capacity", "泊位数", "int", synonyms=("泊位数", "车位数", "泊位", "车位", "capacity", "spaces")),
    ),
    "compounds": (
        COMMON["id"], COMMON["name"], COMMON["address"], COMMON["lon"], COMMON["lat"],
        Field("households", "户数", "int", synonyms=("户数", "住户数", "households")),
        Field("population", "人口", "int", synonyms=("人口", "人数", "常住人口", "population", "pop")),
    ),
}
def _area_fields(level_zh: str) -> tuple[Field, ...]:
    return (
        Field("id", f"{level_zh}编码", required=True,
              synonyms=(f"{level_zh}编码", f"{level_zh}代码", "编码", "代码", "code", "id", "gridcode")),
        Field("name", f"{level_zh}名称", required=True,
              synonyms=(f"{level_zh}名称", f"{level_zh}名", "名称", "name")),
        Field("parent_id", "上级编码", synonyms=("上级编码", "所属编码", "parentcode", "parent")),
        Field("worker", "网格员", synonyms=("网格员", "负责人", "worker")),
    )


LAYER_FIELDS.update({
    "streets": _area_fields("街道"),
    "communities": _area_fields("社区"),
    "grids": _area_fields("网格"),
    "parking_sections": (
        COMMON["id"], Field("name", "路段名称", required=True,
                            synonyms=("路段名称", "路段", "道路名称", "路名", "名称", "name", "road")),
        Field("planned_bays", "规划泊位", "int", synonyms=("规划泊位", "规划泊位数", "计划泊位", "planned")),
        Field("painted_bays", "已施划泊位", "int", synonyms=("已施划泊位", "已施划", "施划泊位", "painted")),
    ),
    "roads": (
        COMMON["id"], Field("name", "道路名称", synonyms=("道路名称", "路名", "名称", "name")),
        Field("highway", "道路等级", synonyms=("道路等级", "等级", "类型", "highway", "class")),
    ),
})
# What geometry each layer takes: points may come as areas (their inside point is used).
LAYER_GEOMETRY = {"inspection_points": "point", "public_toilets": "point", "markets": "point",
                  "parking_lots": "point", "compounds": "polygon_or_point", "streets": "polygon",
                  "communities": "polygon", "grids": "polygon", "parking_sections": "line",
                  "roads": "line"}
LAYER_TITLES = {"inspection_points": "测评点位", "public_toilets": "公厕", "markets": "农贸市场",
                "parking_lots": "停车场", "compounds": "居民小区", "streets": "网格体系：街道",
                "communities": "网格体系：社区", "grids": "网格体系：网格", "parking_sections": "停车路段",
                "roads": "道路网"}


def normalise_header(text: object) -> str:
    """Full-width to half-width, lower case, no spaces, brackets, units or punctuation."""
    s = unicodedata.normalize("NFKC", str(text)).lower()
    s = re.sub(r"[（(\[【].*?[)）\]】]", "", s)  # "面积（平方米）" -> "面积"
    return re.sub(r"[\s_\-·:：/\\°'\"．.,，、]+", "", s)


def guess_mapping(headers: list[str], layer: str) -> dict[str, str]:
    """{field name: header} for every field whose synonym matches a header (first match wins)."""
    fields = LAYER_FIELDS[layer]
    normalised = {h: normalise_header(h) for h in headers}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field in fields:
        keys = [normalise_header(s) for s in (field.name, field.title_zh, *field.synonyms)]
        for header, norm in normalised.items():
            if header not in taken and norm in keys:
                mapping[field.name] = header
                taken.add(header)
                break
    return mapping
