from chuangcheng.layers import inspection_points
from chuangcheng.layers.style import RESULT_COLORS
from tests.layers.helpers import EVIL, only_features, points, rendered


def _points():
    base = {
        "point_type": "集贸市场",
        "responsible_unit": "市场监管局",
        "responsible_person": "王五",
        "latest_check_date": "2026-11-01",
        "problem_summary": "",
    }
    return points(
        [
            {**base, "point_id": "CP1", "point_name": "甲市场", "latest_result": "达标", "open_problems": 0},
            {**base, "point_id": "CP2", "point_name": EVIL, "latest_result": "不达标", "open_problems": 3},
            {
                **base,
                "point_id": "CP3",
                "point_name": "丙",
                "latest_result": "未测评",
                "open_problems": 0,
                "latest_check_date": None,
            },
        ]
    )


def test_one_geojson_layer_with_every_point():
    features = only_features(inspection_points.to_feature_group(_points()))
    assert [f["properties"]["latest_result"] for f in features] == ["达标", "不达标", "未测评"]
    assert features[2]["properties"]["latest_check_date"] == "—"
    assert features[0]["properties"]["problem_summary"] == "—"


def test_colour_by_result_and_failing_points_are_bigger():
    style = inspection_points._style
    passed = style({"properties": {"latest_result": "达标"}})
    failed = style({"properties": {"latest_result": "不达标"}})
    assert passed["fillColor"] == RESULT_COLORS["达标"] and failed["fillColor"] == RESULT_COLORS["不达标"]
    assert failed["radius"] > passed["radius"] and failed["fill"] is True


def test_user_strings_are_escaped_in_the_page():
    html = rendered(inspection_points.to_feature_group(_points()))
    assert "<script>alert" not in html
    assert "lt;script" in html  # escaped by us (folium may escape the "&" once more)


def test_legend_counts_come_from_the_data():
    section = inspection_points.legend_section(_points())
    assert [i.label for i in section.items] == ["达标（1）", "不达标（1）", "未测评（1）"]
