import re

import pytest

from geo.errors import CityDataError
from geo.wallscreen import load_wall_config


def test_shipped_config_is_valid():
    config = load_wall_config()
    assert config.interval_s == 20 and config.refresh_s == 300
    assert [v.kind for v in config.views] == ["city", "theme", "theme", "theme", "theme", "districts", "streets"]
    assert config.views[-1].district == "140213"
    assert len(config.figures) == 6 and config.charts == ("parking_progress", "problems")


@pytest.mark.parametrize("body, message", [
    ('interval_s = 0\n[[views]]\nkind = "city"\n', "interval_s"),
    ('[[views]]\nkind = "globe"\n', "第 1 个 [[views]] 的 kind"),
    ('[[views]]\nkind = "theme"\ntheme = "weather"\n', "theme"),
    ('figures = ["gdp"]\n[[views]]\nkind = "city"\n', "figures"),
    ('title = "x"\n', "至少需要一个"),
    ('title = \n', "格式有误"),
    ('[[views]]\nkind = "streets"\ndistrict = "平城区"\n', "6 位行政区划代码"),
])
def test_bad_config_names_the_entry(tmp_path, body, message):
    path = tmp_path / "wall.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CityDataError, match=re.escape(message)) as info:
        load_wall_config(path)
    assert str(path) in str(info.value)
