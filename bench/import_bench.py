"""Import speed for a large Excel ledger, against pandas reading the same file in this process.

    .venv/bin/python -m bench.import_bench [--rows 100000]

Writes an .xlsx ledger with a title row, text numbers with °, full-width digits in some rows,
blank and 合计 rows; times ``geo.ingest.importer.import_file`` and plain ``pandas.read_excel``
(openpyxl and calamine engines) on it, and prints rows per second and the ratios.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from chuangcheng.ingest.importer import import_file


def write_ledger(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("公厕台账")
    ws.append(["平城区公厕台账（生成的测试数据）"])
    ws.append(["序号", "公厕名称", "经度", "纬度", "类别", "无障碍设施", "开放时间"])
    lon = rng.uniform(113.20, 113.40, rows)
    lat = rng.uniform(39.98, 40.17, rows)
    for i in range(rows):
        if i % 1000 == 999:
            ws.append([None] * 7)
            continue
        x = (
            f"{lon[i]:.6f}°"
            if i % 3 == 0
            else (
                f"{lon[i]:.6f}".translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
                if i % 3 == 1
                else round(float(lon[i]), 6)
            )
        )
        ws.append([i + 1, f"公厕{i + 1}", x, round(float(lat[i]), 6), "固定公厕", "有" if i % 2 else "无", "全天开放"])
    ws.append(["合计", None, None, None, None, None, None])
    wb.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Excel 导入速度基准")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.xlsx"
        write_ledger(path, args.rows)
        times = {}
        for engine in ("openpyxl", "calamine"):
            start = time.perf_counter()
            pd.read_excel(path, header=None, dtype=object, engine=engine)
            times[engine] = time.perf_counter() - start
        start = time.perf_counter()
        report = import_file(path, "public_toilets")
        t_import = time.perf_counter() - start
    print(report.summary())
    for engine, seconds in times.items():
        print(f"pandas.read_excel(engine={engine})（仅读取）：{seconds:.1f} 秒，{args.rows / seconds:,.0f} 行/秒")
    print(
        f"导入（读取 + 清洗 + 校验 + 坐标）：{t_import:.1f} 秒，{args.rows / t_import:,.0f} 行/秒；"
        f"为 openpyxl 仅读取的 {t_import / times['openpyxl']:.2f} 倍、calamine 仅读取的 "
        f"{t_import / times['calamine']:.2f} 倍"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
