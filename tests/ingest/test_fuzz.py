"""Property-based tests: thousands of malformed rows and files fed to the importer.

Every generated cell carries its meaning by construction — a number and one of the ways ledgers
write it (decimal, °/度, full-width digits, thousands separators, 度分秒 with a hemisphere), a blank,
a 合计 marker, or text no reading can make a number of — so what the importer must do with each row
(skip, reject with a reason, or accept with exactly these values) is known without calling any
of the importer's own parsers. For every generated broken file: only a ``CityDataError`` with a
message comes out. The number of generated rows and files is printed (run with ``-s``).
"""

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from chuangcheng.geo.errors import CityDataError
from chuangcheng.ingest.importer import import_file

COUNTS = {"rows": 0, "ledgers": 0, "files": 0}
HEADER = ["市场名称", "经度", "纬度", "摊位数"]
BLANK, INVALID, TOTAL = "blank", "invalid", "total"
FULL_WIDTH = str.maketrans("0123456789.-,", "０１２３４５６７８９．－，")
BLANKS = ("", " ", "nan")  # "nan" is how a spreadsheet export writes an empty cell
NOT_NUMBERS = ("abc", "inf", "-inf", "113°75′", "40°30′75″", "1.2.3", "东经", "12abc", "--5", "°", "1,23")
NOT_COUNTS = ("-3", "2.5", "abc", "inf", "1,23", "三个")
NAME_CHARS = "abcXYZ0123456789甲乙丙丁新华农贸市场集贸-（）()·"


def _decimal(lo: float, hi: float):
    """(text, value): a decimal number between lo and hi as a ledger might write it."""

    def written(k: int):
        text = f"{k / 1e5:.5f}"
        return st.sampled_from([text, text + "°", f" {text} ", text + "度", text.translate(FULL_WIDTH)]).map(
            lambda t: (t, float(text))
        )

    return st.integers(round(lo * 1e5), round(hi * 1e5)).flatmap(written)


def _dms(max_deg: int, hemispheres: str):
    """(text, value): 度分秒 such as 113°18′30.5″E (a west or south hemisphere is negative)."""

    def written(deg, minutes, tenths, hemisphere):
        value = deg + minutes / 60 + (tenths / 10) / 3600
        return (f"{deg}°{minutes}′{tenths / 10:.1f}″{hemisphere}", -value if hemisphere in "WS" else value)

    return st.builds(
        written, st.integers(0, max_deg - 1), st.integers(0, 59), st.integers(0, 599), st.sampled_from(hemispheres)
    )


def _coordinate(limit: int, hemispheres: str):
    """(text, meaning): a coordinate in range, one out of range, a blank or junk."""
    return st.one_of(
        _decimal(-limit, limit),
        _dms(limit, hemispheres),
        _decimal(limit + 0.001, 10 * limit),
        st.sampled_from(BLANKS).map(lambda t: (t, BLANK)),
        st.sampled_from(NOT_NUMBERS).map(lambda t: (t, INVALID)),
    )


def _count():
    """(text, meaning): a stall count (non-negative integer), a blank or junk."""
    number = st.integers(0, 10**7).flatmap(
        lambda n: st.sampled_from([str(n), f"{n:,}", str(n).translate(FULL_WIDTH), f"{n}.0"]).map(lambda t: (t, n))
    )
    return st.one_of(
        number,
        st.sampled_from(BLANKS).map(lambda t: (t, BLANK)),
        st.sampled_from(NOT_COUNTS).map(lambda t: (t, INVALID)),
    )


name = st.one_of(
    st.text(alphabet=NAME_CHARS, min_size=1, max_size=8).flatmap(
        lambda t: st.sampled_from([t, f" {t}", f"{t}  "]).map(lambda w: (w, t))
    ),
    st.sampled_from(BLANKS).map(lambda t: (t, BLANK)),
    st.sampled_from(["合计", "总计", "小计", "合 计", " 总计 "]).map(lambda t: (t, TOTAL)),
)
row = st.tuples(name, _coordinate(180, "EW"), _coordinate(90, "NS"), _count())
empty_row = st.just((("", BLANK),) * 4)
rows = st.lists(st.one_of(row, empty_row), min_size=1, max_size=40)


def _expected(cells):
    """What the importer must do with one row: None (skip), False (reject) or the values."""
    (_, name_), (_, lon), (_, lat), (_, stalls) = cells
    if all(m == BLANK for _, m in cells):
        return None
    if name_ == TOTAL:
        return None
    if name_ == BLANK or INVALID in (lon, lat, stalls) or BLANK in (lon, lat):
        return False
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return False
    return name_, lon, lat, None if stalls == BLANK else stalls


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=rows)
@example(
    data=[
        (("a", "a"), ("", BLANK), ("", BLANK), ("", BLANK)),
        (("合计", TOTAL), ("1.0", 1.0), ("", BLANK), ("", BLANK)),
        (("甲", "甲"), ("113°18′30.5″E", 113 + 18 / 60 + 30.5 / 3600), ("40°5′0.0″N", 40 + 5 / 60), ("1,234", 1234)),
    ]
)
def test_every_row_is_accounted_for_and_accepted_values_are_kept(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "ledger.csv"
    pd.DataFrame([[text for text, _ in cells] for cells in data], columns=HEADER).to_csv(
        path, index=False, encoding="utf-8-sig"
    )
    COUNTS["rows"] += len(data)
    COUNTS["ledgers"] += 1
    report = import_file(path, "markets")
    assert len(report.accepted) + len(report.rejected) + len(report.skipped) == len(data) == report.rows_read
    accepted = {int(r.source_row): r for r in report.accepted.itertuples()}
    rejected = set(report.rejected["row"].astype(int))
    skipped = {r for r, _ in report.skipped}
    for i, cells in enumerate(data):
        row_no = i + 2
        expected = _expected(cells)
        if expected is None:
            assert row_no in skipped, (row_no, cells)
        elif expected is False:
            assert row_no in rejected, (row_no, cells)
            assert report.rejected.loc[report.rejected["row"] == row_no, "reason"].iloc[0]
        else:
            assert row_no in accepted, (row_no, cells, report.rejected.to_dict("records"))
            got = accepted[row_no]
            assert got.market_name == expected[0]
            assert (got.geometry.x, got.geometry.y) == pytest.approx(expected[1:3], abs=1e-9)
            assert (None if pd.isna(got.stalls) else int(got.stalls)) == expected[3]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.lists(row, min_size=1, max_size=15), title_rows=st.integers(0, 3))
def test_excel_ledgers_with_title_rows(tmp_path_factory, data, title_rows):
    path = tmp_path_factory.mktemp("fuzzx") / "ledger.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for t in range(title_rows):
        ws.append([f"台账标题{t}"])
    ws.append(HEADER)
    for cells in data:
        ws.append([text for text, _ in cells])
    wb.save(path)
    COUNTS["rows"] += len(data)
    COUNTS["ledgers"] += 1
    report = import_file(path, "markets")
    assert len(report.accepted) + len(report.rejected) + len(report.skipped) == report.rows_read
    assert all(report.rejected["reason"].astype(bool))
    wanted = [e for e in map(_expected, data) if e]
    assert sorted(report.accepted.get("market_name", [])) == sorted(e[0] for e in wanted)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    content=st.binary(max_size=2000),
    suffix=st.sampled_from([".csv", ".xlsx", ".geojson", ".zip", ".kml", ".kmz", ".gpkg", ".json"]),
)
def test_broken_files_give_a_clear_error_never_a_crash(tmp_path_factory, content, suffix):
    path = tmp_path_factory.mktemp("fuzzf") / f"broken{suffix}"
    path.write_bytes(content)
    COUNTS["files"] += 1
    try:
        report = import_file(path, "public_toilets")
    except CityDataError as exc:
        assert str(exc)
    else:
        assert len(report.accepted) + len(report.rejected) + len(report.skipped) == report.rows_read


def test_report_the_number_of_generated_inputs():
    print(f"\n模糊测试本轮生成：{COUNTS['ledgers']} 个台账共 {COUNTS['rows']} 行，{COUNTS['files']} 个损坏文件")
    assert COUNTS["rows"] > 1000
