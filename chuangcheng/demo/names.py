"""Name pools for the generated demo city. Every name here is made up for the demo.

Names sound like those of a north-China city but are not the official names of Datong's
streets, communities, roads, compounds or people; where one coincides with a real name, the
boundary or attribute it is attached to is still generated.
"""

from __future__ import annotations

import numpy as np

ROAD_STEMS_EW = (
    "和平",
    "文昌",
    "兴华",
    "永安",
    "迎春",
    "幸福",
    "育才",
    "振兴",
    "光明",
    "长青",
    "友谊",
    "建设",
    "富强",
    "民主",
    "团结",
    "朝阳",
    "康乐",
    "红旗",
    "东风",
    "胜利",
    "安宁",
    "平安",
    "新华",
    "太平",
    "丰收",
    "吉祥",
    "云中",
    "恒安",
    "魏华",
    "御和",
    "景华",
    "同乐",
    "双拥",
    "聚宝",
    "公园",
    "体育",
    "文化",
    "花园",
    "桃园",
    "杏林",
)
ROAD_STEMS_NS = (
    "向阳",
    "北辰",
    "南华",
    "星火",
    "翠微",
    "晨光",
    "金城",
    "玉河",
    "兴云",
    "开源",
    "齐心",
    "民安",
    "凤凰",
    "龙泉",
    "松涛",
    "柳岸",
    "梧桐",
    "银杏",
    "紫荆",
    "海棠",
    "牡丹",
    "芙蓉",
    "青年",
    "学府",
    "工农",
    "商贸",
    "站前",
    "府前",
    "鼓楼",
    "钟楼",
    "城墙",
    "瓮城",
    "马市",
    "米市",
    "盐店",
    "粮仓",
    "柴市",
    "书院",
    "清远",
    "平旺",
)

STREET_NAMES_CENTRAL = "鼓楼街道"
STREET_NAMES_DIRECTIONAL = {"东": "东关街道", "西": "西关街道", "南": "南关街道", "北": "北关街道"}
STREET_NAMES_OTHER = (
    "新华街道",
    "向阳街道",
    "文兴街道",
    "御河街道",
    "开源街道",
    "平旺街道",
    "兴云街道",
    "同泰街道",
    "恒安街道",
    "魏都街道",
)
TOWNSHIP_NAMES = ("东郊乡", "西郊乡", "南郊镇", "北郊乡")

COMMUNITY_STEMS = (
    "华严",
    "善化",
    "清远",
    "和阳",
    "永泰",
    "武定",
    "迎恩",
    "鼓楼",
    "钟楼",
    "魁星",
    "太平",
    "兴华",
    "新建",
    "花园",
    "文瀛",
    "御东",
    "桥北",
    "站东",
    "矿机",
    "机车",
    "车辆",
    "电厂",
    "水泊",
    "马军",
    "古店",
    "西韩",
    "东王",
    "平泉",
    "柳航",
    "建华",
    "同煤",
    "云冈",
    "恒安",
    "新胜",
    "红旗",
    "向阳",
    "光明",
    "长青",
    "幸福",
    "友谊",
    "振华",
    "永和",
    "安康",
    "民乐",
    "富康",
    "宏昌",
    "昌盛",
    "育英",
    "晋华",
    "北岳",
    "南环",
    "东环",
    "西环",
    "北环",
    "金港",
    "银河",
    "泰和",
    "瑞祥",
    "锦绣",
    "星河",
    "翠苑",
    "秀水",
    "怡景",
    "馨园",
    "嘉禾",
    "丰瑞",
    "广厦",
    "和顺",
    "德胜",
    "仁和",
)
COMPOUND_SUFFIXES = ("小区", "花园", "家园", "苑", "新村", "公寓", "佳园", "雅居")
VILLAGE_SUFFIX = "村"

SURNAMES = tuple("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎")
GIVEN_CHARS = tuple("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌鹏宇浩凯晨雪慧燕飞龙海")


def road_names(line_index: np.ndarray, highway: np.ndarray, *, east_west: bool) -> np.ndarray:
    """A stable name for each lattice line: the same index always has the same name."""
    stems = ROAD_STEMS_EW if east_west else ROAD_STEMS_NS
    main_suffix, minor_suffix = ("路", "巷") if east_west else ("街", "胡同")
    names = []
    for idx, kind in zip(np.asarray(line_index).tolist(), np.asarray(highway).tolist()):
        stem = stems[idx % len(stems)]
        if kind == "primary":
            names.append(f"{stem}大{'路' if east_west else '街'}")
        elif kind == "secondary":
            names.append(f"{stem}{main_suffix}")
        elif kind == "unclassified":
            names.append(f"{stem}乡道")
        else:
            names.append(f"{stem}{minor_suffix}{idx % 7 + 1 if kind == 'residential' else ''}".rstrip())
    return np.array(names, dtype=object)


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` generated two- or three-character names."""
    surnames = rng.choice(np.array(SURNAMES), n)
    first = rng.choice(np.array(GIVEN_CHARS), n)
    second = rng.choice(np.array(GIVEN_CHARS), n)
    two_char = rng.random(n) < 0.35
    return [s + f + ("" if short else t) for s, f, t, short in zip(surnames, first, second, two_char)]
