"""Import a city's file into a layer from the command line.

    python -m cli.import_data 公厕台账.xlsx --layer public_toilets --crs gcj02 --out out/
    python -m cli.import_data 网格.zip --layer compounds --commit

Prints the report (rows read / accepted / rejected / skipped, repairs, coordinate warnings),
writes the accepted records (``accepted.gpkg``) and the rejected rows with their reasons
(``rejected.csv``, UTF-8 with BOM: fix them in Excel and import that file again). ``--commit``
adds the records to the versioned layer store (``data/store``), matching by id.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo import citydata
from geo.errors import CityDataError
from geo.ingest.coordinates import SYSTEMS, diagnose, reference_distance_fn
from geo.ingest.fields import LAYER_FIELDS
from geo.ingest.importer import import_file
from geo.ingest.store import LayerStore

STORE_ROOT = citydata.PROJECT_ROOT / "data" / "store"


def city_checks(layer: str, city_path: Path | None):
    """City bounds, and the distance to the city's existing features of the same layer (or its
    street nodes), for the coordinate warnings."""
    path = citydata.resolve_path(city_path)
    admin = citydata.read_layer("admin_boundaries", path)
    adcode = citydata.read_meta(path).get("adcode")
    district = admin[admin["adcode"] == adcode] if adcode else admin
    reference = citydata.read_layer(layer if layer in citydata.LAYER_NAMES else "walk_nodes", path)
    return tuple(district.total_bounds), reference_distance_fn(reference)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m cli.import_data", description="导入本市数据文件。")
    p.add_argument("file", type=Path)
    p.add_argument("--layer", choices=list(LAYER_FIELDS), required=True)
    p.add_argument("--crs", choices=list(SYSTEMS), default="wgs84", help="文件的坐标系")
    p.add_argument("--out", type=Path, help="输出目录（accepted.gpkg、rejected.csv）")
    p.add_argument("--commit", action="store_true", help="写入图层版本库（按编号更新，不重复）")
    p.add_argument("--city", type=Path, help="用于坐标检查的城市数据文件（默认示范城市）")
    args = p.parse_args(argv)
    try:
        report = import_file(args.file, args.layer, system=args.crs)
        print(report.summary())
        print(f"列对应：{report.mapping}")
        for row_no, reason in report.skipped:
            print(f"  跳过 第 {row_no} 行：{reason}")
        for r in report.rejected.itertuples():
            print(f"  拒绝 {r.file} 第 {r.row} 行：{r.reason}")
        for repair in report.repairs:
            print(f"  修复 {repair}")
        if len(report.accepted):
            bounds, reference_distance = city_checks(args.layer, args.city)
            pts = report.accepted.geometry.representative_point()
            for warning in diagnose(pts.x.to_numpy(), pts.y.to_numpy(), city_bounds=bounds,
                                    reference_distance_m=reference_distance):
                print(f"  警告：{warning.message}")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            if len(report.accepted):
                report.accepted.to_file(args.out / "accepted.gpkg", driver="GPKG")
            report.rejected.to_csv(args.out / "rejected.csv", index=False, encoding="utf-8-sig")
            print(f"已写出 {args.out / 'accepted.gpkg'} 与 {args.out / 'rejected.csv'}")
        if args.commit and len(report.accepted):
            result = LayerStore(STORE_ROOT).commit(args.layer, report.accepted)
            print(f"已写入版本 {result.version}：新增 {result.added}，更新 {result.updated}，保留 {result.kept}")
    except CityDataError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
