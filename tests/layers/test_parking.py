import geopandas as gpd
import shapely

from chuangcheng.layers import parking
from chuangcheng.layers.style import PROGRESS_BINS, progress_color
from tests.layers.helpers import EVIL, HIERARCHY, only_features, points, rendered


def _sections():
    lines = [shapely.LineString([(113.30, 40.09 + 0.001 * i), (113.31, 40.09 + 0.001 * i)]) for i in range(3)]
    return gpd.GeoDataFrame(
        {
            **{k: [v] * 3 for k, v in HIERARCHY.items()},
            "section_id": ["1", "2", "3"],
            "road_name": ["甲路", EVIL, "丙路"],
            "planned_bays": [100, 50, 0],
            "painted_bays": [0, 50, 0],
            "length_m": [850.0, 850.0, 850.0],
        },
        geometry=lines,
        crs="EPSG:4326",
    )


def _lots():
    return points(
        [
            {"lot_id": "1", "lot_name": "甲停车场", "kind": "地下", "capacity": 400, "fee": "收费"},
            {"lot_id": "2", "lot_name": "乙", "kind": "路外平面", "capacity": 25, "fee": "免费"},
        ]
    )


def test_progress_colours_bins():
    assert progress_color(0, 100) == PROGRESS_BINS[0][1]
    assert progress_color(10, 100) == PROGRESS_BINS[1][1]
    assert progress_color(30, 100) == PROGRESS_BINS[2][1]
    assert progress_color(99, 100) == PROGRESS_BINS[3][1]
    assert progress_color(100, 100) == PROGRESS_BINS[4][1]
    assert progress_color(0, 0) == PROGRESS_BINS[0][1]


def test_two_layers_lines_and_lots():
    section_group, lot_group = parking.to_feature_groups(_lots(), _sections())
    lines = only_features(section_group)
    assert [f["properties"]["progress_pct"] for f in lines] == [0.0, 100.0, 0.0]
    assert [f["geometry"]["type"] for f in lines] == ["LineString"] * 3
    assert len(only_features(lot_group)) == 2
    assert "<script>alert" not in rendered(section_group)


def test_lot_size_grows_with_capacity():
    assert parking.lot_radius_px(25) < parking.lot_radius_px(400) <= 13
    assert parking.lot_radius_px(0) == 5


def test_legend_totals():
    sections = parking.legend_sections(_lots(), _sections())
    assert "已施划 50/150" in sections[0].title and "3 段" in sections[0].title
    assert "2 个，425 泊位" in sections[1].items[0].label
