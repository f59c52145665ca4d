"""Property-based tests: thousands of malformed rows and files fed to the importer.

For every generated ledger: the importer never raises an unhandled error, every input row ends
up accepted, rejected (with a reason) or skipped (blank / 合计), and accepted rows keep their
values. For every generated broken file: only a ``CityDataError`` with a message comes out.
The number of generated rows and files is printed (run with ``-s``).
"""

import string

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geo.errors import CityDataError
from ingest.importer import import_file
from ingest.values import is_blank, parse_int, parse_number

COUNTS = {"rows": 0, "ledgers": 0, "files": 0}
HEADER = ["市场名称", "经度", "纬度", "摊位数"]

junk_text = st.text(alphabet=string.printable + "°′″度分秒，。！＋－１２３ＡＢ市场合计 \t", max_size=12)
numberish = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64).map(str),
    st.floats(min_value=-200, max_value=200).map(lambda v: f"{v:.5f}°"),
    st.integers(-10**12, 10**12).map(str),
    st.sampled_from(["113°18′30.5″E", "40度5分", "113°75′", "1,234", "１１３．３", "", " ", "nan", "N40°"]),
    junk_text,
)
cell_name = st.one_of(st.text(min_size=0, max_size=8), st.sampled_from(["合计", "总计", "", "甲市场"]))
row = st.tuples(cell_name, numberish, numberish, st.one_of(numberish, st.just("")))
rows = st.lists(st.one_of(row, st.just(("", "", "", ""))), min_size=1, max_size=40)


def _expected_ok(name, lon, lat, stalls):
    """What the importer must do with one row: None (skip), False (reject) or the values."""
    cells = [name, lon, lat, stalls]
    if all(is_blank(c) for c in cells):
        return None
    if any(str(c).replace(" ", "").strip() in ("合计", "总计", "小计") for c in cells[:3] if not is_blank(c)):
        return None
    if is_blank(name):
        return False
    try:
        x, y = parse_number(lon), parse_number(lat)
        n = None if is_blank(stalls) else parse_int(stalls)
    except ValueError:
        return False
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        return False
    return str(name).strip(), x, y, n


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=rows)
@example(data=[("a", "", "", ""), ("合计", "1.0", "", ""), ("í", "0.00000°", "0.00000°", ""),
               ("\r", "", "-3.78e+16", "")])  # a bare CR in a cell is a line break (found by CI)
def test_every_row_is_accounted_for_and_accepted_values_are_kept(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "ledger.csv"
    pd.DataFrame(data, columns=HEADER).to_csv(path, index=False, encoding="utf-8-sig")
    COUNTS["rows"] += len(data)
    COUNTS["ledgers"] += 1
    report = import_file(path, "markets")
    # The file is the truth: a bare "\r" in a cell is a line break in CSV, so read it back as
    # the importer must, blank lines included, and check each line.
    back = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skip_blank_lines=False)
    assert len(report.accepted) + len(report.rejected) + len(report.skipped) == len(back) == report.rows_read
    accepted = {int(r.source_row): r for r in report.accepted.itertuples()}
    rejected = set(report.rejected["row"].astype(int))
    skipped = {r for r, _ in report.skipped}
    for i, cells in enumerate(back.itertuples(index=False)):
        row_no = i + 2
        expected = _expected_ok(*cells)
        if expected is None:
            assert row_no in skipped
        elif expected is False:
            assert row_no in rejected
            reason = report.rejected.loc[report.rejected["row"] == row_no, "reason"].iloc[0]
            assert reason
        else:
            got = accepted[row_no]
            assert (got.market_name, got.geometry.x, got.geometry.y) == (expected[0], expected[1], expected[2])
            assert (None if pd.isna(got.stalls) else int(got.stalls)) == expected[3]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.lists(row, min_size=1, max_size=15), title_rows=st.integers(0, 3))
def test_excel_ledgers_with_title_rows(tmp_path_factory, data, title_rows):
    path = tmp_path_factory.mktemp("fuzzx") / "ledger.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for t in range(title_rows):
        ws.append([f"台账标题{t}"])
    ws.append(HEADER)
    for r in data:  # an .xlsx cannot hold control characters; a real ledger never does
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in r])
    wb.save(path)
    COUNTS["rows"] += len(data)
    COUNTS["ledgers"] += 1
    report = import_file(path, "markets")
    assert len(report.accepted) + len(report.rejected) + len(report.skipped) == report.rows_read
    assert all(report.rejected["reason"].astype(bool))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(content=st.binary(max_size=2000),
       suffix=st.sampled_from([".csv", ".xlsx", ".geojson", ".zip", ".kml", ".kmz", ".gpkg", ".json"]))
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
