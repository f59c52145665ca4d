from chuangcheng.layers import public_toilets
from chuangcheng.layers.style import DRY_TOILET_STROKE, TOILET_COLORS
from tests.layers.helpers import EVIL, only_features, points, rendered


def _toilets():
    base = {"grade": "二类", "opening_hours": "全天开放", "manager": "环卫中心"}
    return points(
        [
            {
                **base,
                "toilet_id": "1",
                "toilet_name": "甲公厕",
                "kind": "固定公厕",
                "flush_type": "水冲式",
                "accessible": True,
            },
            {
                **base,
                "toilet_id": "2",
                "toilet_name": EVIL,
                "kind": "共享卫生间",
                "flush_type": "水冲式",
                "accessible": False,
            },
            {
                **base,
                "toilet_id": "3",
                "toilet_name": "丙旱厕",
                "kind": "固定公厕",
                "flush_type": "旱厕",
                "accessible": None,
            },
        ]
    )


def test_features_and_accessibility_text():
    features = only_features(public_toilets.to_feature_group(_toilets()))
    assert [f["properties"]["accessible"] for f in features] == ["是", "否", "未知"]


def test_dry_toilets_are_flagged_and_kinds_coloured():
    style = public_toilets._style
    dry = style({"properties": {"kind": "固定公厕", "flush_type": "旱厕"}})
    shared = style({"properties": {"kind": "共享卫生间", "flush_type": "水冲式"}})
    assert dry["color"] == DRY_TOILET_STROKE
    assert shared["fillColor"] == TOILET_COLORS["共享卫生间"] and shared["color"] != DRY_TOILET_STROKE


def test_escaped_and_legend_counts():
    assert "<script>alert" not in rendered(public_toilets.to_feature_group(_toilets()))
    labels = [i.label for i in public_toilets.legend_section(_toilets()).items]
    assert labels == ["固定公厕（2）", "移动公厕（0）", "共享卫生间（1）", "旱厕待改造（1）"]
