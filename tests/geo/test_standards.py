import pytest

from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.standards import COLUMNS, load_standards, threshold

HEADER = ",".join(COLUMNS) + "\n"


def test_defaults_carry_their_sources():
    table = load_standards(override_path=None)
    toilet = threshold(table, "toilet_radius_m")
    assert toilet.value == 300 and toilet.status == "verified"
    assert "GB 55013-2021" in toilet.source_text() and "§5.0.1" in toilet.source_text()
    assert threshold(table, "life_circle_15min_m").value == 1000
    assert threshold(table, "life_circle_10min_m").value == 500
    assert threshold(table, "life_circle_5min_m").status == "secondary"


def test_a_city_override_replaces_a_row(tmp_path):
    override = tmp_path / "city.csv"
    override.write_text(
        HEADER + "toilet_radius_m,公厕服务半径（本市）,250,m,大同市创城方案,,verified,\n", encoding="utf-8"
    )
    table = load_standards(override_path=override)
    toilet = threshold(table, "toilet_radius_m")
    assert toilet.value == 250 and toilet.status == "city" and "本市规定" in toilet.source_text()
    assert threshold(table, "market_radius_m").value == 500


def test_bad_rows_are_named(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "x,说明,10,m,某标准,,maybe,\n", encoding="utf-8")
    with pytest.raises(CityDataError, match="第 2 行（x）"):
        load_standards(bad, override_path=None)
    missing = tmp_path / "missing.csv"
    missing.write_text("key,value\nx,1\n", encoding="utf-8")
    with pytest.raises(CityDataError, match="缺少列"):
        load_standards(missing, override_path=None)


def test_ranges_and_unknown_keys_are_refused():
    table = load_standards(override_path=None)
    with pytest.raises(CityDataError, match="不是单个数字"):
        threshold(table, "toilet_density_residential_per_km2")
    with pytest.raises(CityDataError, match="没有"):
        threshold(table, "toilet_radius")


def test_env_override(tmp_path, monkeypatch):
    override = tmp_path / "city.csv"
    override.write_text(HEADER + "market_radius_m,菜市场服务半径,400,m,本市,,verified,\n", encoding="utf-8")
    monkeypatch.setenv("CHUANGCHENG_STANDARDS_OVERRIDE", str(override))
    assert threshold(load_standards(), "market_radius_m").value == 400
