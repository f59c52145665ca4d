import re

import pytest

from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.wallscreen import ViewSpec, WallConfig, expand_views, load_wall_config


def test_shipped_config_is_valid():
    config = load_wall_config()
    assert config.interval_s == 20 and config.refresh_s == 300
    assert [v.kind for v in config.views] == ["city", "theme", "theme", "theme", "theme", "districts", "streets"]
    assert config.views[-1].district == "140213"
    assert len(config.figures) == 6 and config.charts == ("parking_progress", "problems")


@pytest.mark.parametrize(
    "body, message",
    [
        ('interval_s = 0\n[[views]]\nkind = "city"\n', "interval_s"),
        ('[[views]]\nkind = "globe"\n', "第 1 个 [[views]] 的 kind"),
        ('[[views]]\nkind = "theme"\ntheme = "weather"\n', "theme"),
        ('figures = ["gdp"]\n[[views]]\nkind = "city"\n', "figures"),
        ('title = "x"\n', "至少需要一个"),
        ("title = \n", "格式有误"),
        ('[[views]]\nkind = "streets"\ndistrict = "平城区"\n', "6 位行政区划代码"),
    ],
)
def test_bad_config_names_the_entry(tmp_path, body, message):
    path = tmp_path / "wall.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CityDataError, match=re.escape(message)) as info:
        load_wall_config(path)
    assert str(path) in str(info.value)


def test_views_expand_to_one_per_area_in_code_order():
    import geopandas as gpd

    districts = gpd.GeoDataFrame({"district_code": ["140214", "140213"], "district_name": ["云冈区", "平城区"]})
    streets = gpd.GeoDataFrame(
        {
            "street_code": ["140213002", "140213001", "140214001"],
            "street_name": ["乙街道", "甲街道", "丙街道"],
            "district_code": ["140213", "140213", "140214"],
        }
    )
    config = WallConfig(
        "t",
        5,
        60,
        (),
        (),
        (
            ViewSpec("city"),
            ViewSpec("theme", theme="parking", title="停车"),
            ViewSpec("districts"),
            ViewSpec("streets", district="140213"),
        ),
    )
    views = expand_views(config, districts, streets)
    assert [(v.kind, v.title) for v in views] == [
        ("city", "全市总览"),
        ("theme", "停车"),
        ("district", "平城区"),
        ("district", "云冈区"),
        ("street", "甲街道"),
        ("street", "乙街道"),
    ]
    assert views[5].area.codes() == {"district_code": "140213", "street_code": "140213002"}
    assert views[0].area.is_whole_city and views[1].area.is_whole_city


def test_legend_mode_is_checked(tmp_path):
    path = tmp_path / "wall.toml"
    path.write_text('legend = "collapsed"\n[[views]]\nkind = "city"\n', encoding="utf-8")
    assert load_wall_config(path).legend == "collapsed"
    path.write_text('legend = "hidden"\n[[views]]\nkind = "city"\n', encoding="utf-8")
    with pytest.raises(CityDataError, match="legend"):
        load_wall_config(path)
