import pytest

from chuangcheng.ingest.fields import guess_mapping, normalise_header
from chuangcheng.ingest.values import is_total_row, parse_bool, parse_int, parse_number


@pytest.mark.parametrize(
    "text, expected",
    [
        ("113.30°", 113.30),
        (" 40.09 ", 40.09),
        ("１１３．３", 113.3),
        ("1,234", 1234.0),
        ("113°18′30.5″E", 113 + 18 / 60 + 30.5 / 3600),
        ("113°18'30.5\"", 113 + 18 / 60 + 30.5 / 3600),
        ("40度5分12秒", 40 + 5 / 60 + 12 / 3600),
        ("40°05'N", 40 + 5 / 60),
        ("S 33°52'", -(33 + 52 / 60)),
        (113.5, 113.5),
        (7, 7.0),
    ],
)
def test_numbers_as_ledgers_write_them(text, expected):
    assert parse_number(text) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("text", ["abc", "", None, "113°75′", "nan", "inf", True])
def test_bad_numbers_say_why(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_ints_bools_and_total_rows():
    assert parse_int("１２０") == 120
    with pytest.raises(ValueError, match="非负整数"):
        parse_int("12.5")
    assert parse_bool("有") is True and parse_bool("否") is False
    with pytest.raises(ValueError, match="是/否"):
        parse_bool("也许")
    assert is_total_row(["合 计", None]) and is_total_row([None, "总计"]) and not is_total_row(["合计科"])


def test_headers_in_chinese_and_english():
    assert normalise_header("经 度（°）") == "经度" and normalise_header("ＬＮＧ") == "lng"
    mapping = guess_mapping(["序号", "公厕名称", "Lng", "LAT", "类别", "无障碍设施"], "public_toilets")
    assert mapping == {
        "toilet_id": "序号",
        "toilet_name": "公厕名称",
        "lon": "Lng",
        "lat": "LAT",
        "kind": "类别",
        "accessible": "无障碍设施",
    }
    assert guess_mapping(["name", "longitude", "latitude", "stalls"], "markets") == {
        "market_name": "name",
        "lon": "longitude",
        "lat": "latitude",
        "stalls": "stalls",
    }
