"""Import a city's file into a layer from the command line.

    chuangcheng import 公厕台账.xlsx --layer public_toilets --crs gcj02 --out out/
    chuangcheng import 网格.zip --layer compounds --commit

Prints the report (rows read / accepted / rejected / skipped, repairs, coordinate warnings),
writes the accepted records (``accepted.gpkg``) and the rejected rows with their reasons
(``rejected.csv``, UTF-8 with BOM: fix them in Excel and import that file again). ``--commit``
writes the records as the layer's next version in the city store (``--url``, default
$CHUANGCHENG_STORE_URL or data/store/city.gpkg), matching by id; every page shows it within
seconds. The command runs as an administrator of the store (it is run on the server itself).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from chuangcheng import store
from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.workflow import ADMIN, Actor
from chuangcheng.ingest import sandbox
from chuangcheng.ingest.coordinates import SYSTEMS, diagnose, reference_distance_fn
from chuangcheng.ingest.export import to_csv_bytes
from chuangcheng.ingest.fields import LAYER_FIELDS
from chuangcheng.store import layers
from chuangcheng.store.errors import StoreError


def city_checks(engine, layer: str):
    """The city's bounds, and the distance to its existing features of the same layer (or its
    street nodes), for the coordinate warnings."""
    admin = layers.read_layer(engine, "admin_boundaries")
    districts = admin[admin["level"] == "district"]
    reference = layers.read_layer(engine, layer)
    if reference.empty:
        reference = layers.read_layer(engine, "walk_nodes")
    return tuple((districts if len(districts) else admin).total_bounds), (
        reference_distance_fn(reference) if len(reference) else None
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="chuangcheng import", description="导入本市数据文件。")
    p.add_argument("file", type=Path)
    p.add_argument("--layer", choices=list(LAYER_FIELDS), required=True)
    p.add_argument("--crs", choices=list(SYSTEMS), default="wgs84", help="文件的坐标系")
    p.add_argument("--out", type=Path, help="输出目录（accepted.gpkg、rejected.csv）")
    p.add_argument("--commit", action="store_true", help="写入存储，成为该图层的新版本（按编号更新，不重复）")
    p.add_argument("--url", help="存储地址（默认 $CHUANGCHENG_STORE_URL 或 data/store/city.gpkg）")
    args = p.parse_args(argv)
    try:
        engine = store.open_store(args.url)
        report = sandbox.import_file(args.file, args.layer, display_name=args.file.name, system=args.crs)
        print(report.summary())
        print(f"列对应：{report.mapping}")
        for row_no, reason in report.skipped:
            print(f"  跳过 第 {row_no} 行：{reason}")
        for r in report.rejected.itertuples():
            print(f"  拒绝 {r.file} 第 {r.row} 行：{r.reason}")
        for repair in report.repairs:
            print(f"  修复 {repair}")
        accepted = report.accepted() if report.n_accepted else None
        if accepted is not None:
            bounds, reference_distance = city_checks(engine, args.layer)
            pts = accepted.geometry.representative_point()
            for warning in diagnose(
                pts.x.to_numpy(), pts.y.to_numpy(), city_bounds=bounds, reference_distance_m=reference_distance
            ):
                print(f"  警告：{warning.message}")
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            if accepted is not None:
                accepted.to_file(args.out / "accepted.gpkg", driver="GPKG")
            (args.out / "rejected.csv").write_bytes(to_csv_bytes(report.rejected))
            print(f"已写出 {args.out / 'accepted.gpkg'} 与 {args.out / 'rejected.csv'}")
        if args.commit and accepted is not None:
            actor = Actor(f"命令行:{getpass.getuser()}", ADMIN)
            result = sandbox.commit(report, store_url=store.resolve_url(args.url), actor=actor, expected_version=None)
            print(
                f"已写入第 {result['version']} 版：新增 {result['added']}，更新 {result['updated']}，"
                f"保留 {result['kept']}" + (f"；施划记录 {result['painted']} 条" if result["painted"] else "")
            )
        report.discard()
    except (CityDataError, StoreError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
