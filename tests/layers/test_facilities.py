"""Popups, tooltips and click details read the registry; yes/no and blanks read as Chinese."""

import geopandas as gpd
import shapely

from chuangcheng.layers import facilities, public_toilets
from chuangcheng.layers.battle_map import click_layers


def test_popups_are_the_registry_fields_with_their_titles_then_where_it_lies():
    assert facilities.popup_fields("public_toilets") == {
        "toilet_name": "公厕名称",
        "kind": "类型",
        "grade": "等级",
        "flush_type": "水冲/旱厕",
        "accessible": "无障碍厕位",
        "opening_hours": "开放时间",
        "manager": "管理单位",
        "street_name": "所属街道",
        "community_name": "所属社区",
    }
    # the click details and the map's popup are the same declaration
    assert click_layers()["public_toilets"] == ("公厕", facilities.popup_fields("public_toilets"))
    assert public_toilets.TITLE == "公厕"


def test_values_as_shown():
    assert [facilities.display_value(v) for v in (True, False, None, float("nan"), 12, "固定公厕")] == [
        "是", "否", "—", "—", "12", "固定公厕",
    ]  # fmt: skip
    frame = gpd.GeoDataFrame({"accessible": [True, False, None]}, geometry=[shapely.Point(0, 0)] * 3)
    assert facilities.for_display("public_toilets", frame)["accessible"].tolist() == ["是", "否", "未知"]
