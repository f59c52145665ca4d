from chuangcheng.layers import markets
from chuangcheng.layers.style import MARKET_COLORS
from tests.layers.helpers import EVIL, only_features, points, rendered


def _markets():
    base = {"market_type": "农贸市场", "stalls": 120, "area_m2": 3000.0, "operator": EVIL}
    return points(
        [
            {**base, "market_id": "1", "market_name": "甲市场", "upgrade_status": "已改造"},
            {**base, "market_id": "2", "market_name": "乙市场", "upgrade_status": "未改造"},
        ]
    )


def test_one_layer_coloured_by_upgrade_status():
    features = only_features(markets.to_feature_group(_markets()))
    assert len(features) == 2
    styles = [markets._style(f) for f in features]
    assert [s["fillColor"] for s in styles] == [MARKET_COLORS["已改造"], MARKET_COLORS["未改造"]]


def test_escaped_and_legend():
    assert "<script>alert" not in rendered(markets.to_feature_group(_markets()))
    labels = [i.label for i in markets.legend_section(_markets()).items]
    assert labels == ["已改造（1）", "改造中（0）", "未改造（1）"]
