"""The parsing child process: ``python -m chuangcheng.ingest.child TASK REQUEST.json``.

Started only by ``ingest.sandbox``. Before it touches the file it lowers its own limits (address
space, CPU seconds, size of files it writes); GDAL in this process knows only the drivers the
file's declared format allows (``GDAL_SKIP``, set by the parent) and reaches no network. Results
go to the request's folder: ``result.json`` (small), ``accepted.parquet`` and ``rejected.parquet``
(any size). A refusal of the file is ``error.json`` with the Chinese message and exit code 3.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

EXIT_REFUSED = 3
EXIT_MEMORY = 4


def _limit(kind: int, value: int, grace: int = 0) -> None:
    """Soft limit ``value``; hard limit ``grace`` above it (never above the current hard limit)."""
    soft, hard = resource.getrlimit(kind)
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    wanted_hard = value + grace
    resource.setrlimit(kind, (value, wanted_hard if hard == resource.RLIM_INFINITY else min(wanted_hard, hard)))


def _apply_limits(limits: dict) -> None:
    _limit(resource.RLIMIT_AS, int(limits["memory_bytes"]))
    # SIGXCPU at the soft limit (reported as "计算时间"), SIGKILL only if it is ignored 5 s later
    _limit(resource.RLIMIT_CPU, int(limits["cpu_s"]), grace=5)
    _limit(resource.RLIMIT_FSIZE, int(limits["output_bytes"]))
    _limit(resource.RLIMIT_CORE, 0)


SAMPLE_ROWS = 5000  # what a page may draw of a large file (it never loads the whole file)


def _write_frames(folder: Path, report) -> None:
    report.accepted.to_parquet(folder / "accepted.parquet")
    if len(report.accepted) > SAMPLE_ROWS:
        report.accepted.sample(SAMPLE_ROWS, random_state=0).to_parquet(folder / "sample.parquet")
    report.rejected.astype(str).to_parquet(folder / "rejected.parquet")


def _task_headers(req: dict, folder: Path) -> dict:
    from chuangcheng.ingest.importer import file_headers

    return {"headers": file_headers(Path(req["path"]), req["layer"])}


def _task_import(req: dict, folder: Path) -> dict:
    from chuangcheng.ingest.importer import import_file

    options = {"system": req.get("system", "wgs84")}
    if req.get("mapping"):
        options["mapping"] = req["mapping"]
    report = import_file(Path(req["path"]), req["layer"], **options)
    _write_frames(folder, report)
    return {
        "file": report.file,
        "layer": report.layer,
        "skipped": report.skipped,
        "repairs": report.repairs,
        "warnings": report.warnings,
        "mapping": report.mapping,
        "rows_read": report.rows_read,
        "accepted": len(report.accepted),
        "rejected": len(report.rejected),
    }


def _actor(req: dict):
    from chuangcheng.geo.workflow import Actor

    return Actor(**req["actor"])


def _task_commit(req: dict, folder: Path) -> dict:
    import geopandas as gpd

    from chuangcheng import store
    from chuangcheng.store.imports import commit_import

    accepted = gpd.read_parquet(req["accepted"])
    engine = store.open_store(req["store_url"])
    result, painted = commit_import(
        engine,
        req["layer"],
        accepted,
        actor=_actor(req),
        source_name=req["source_name"],
        expected_version=req.get("expected_version"),
        address=req.get("address"),
    )
    return {
        "version": result.version,
        "added": result.added,
        "updated": result.updated,
        "kept": result.kept,
        "removed": result.removed,
        "painted": painted,
    }


def _task_plan(req: dict, folder: Path) -> dict:
    """What committing the accepted rows would do now (reads only their keys)."""
    import dataclasses

    import pandas as pd
    import pyarrow.parquet as pq

    from chuangcheng import registry, store
    from chuangcheng.store.layers import plan_commit

    spec = registry.layer(req["layer"])
    names = set(pq.read_schema(req["accepted"]).names)
    keys = pd.read_parquet(req["accepted"], columns=[c for c in (spec.id_field, spec.name_field) if c and c in names])
    return dataclasses.asdict(plan_commit(store.open_store(req["store_url"]), req["layer"], keys))


def _task_ledger(req: dict, folder: Path) -> dict:
    from datetime import datetime

    import pandas as pd

    from chuangcheng import store
    from chuangcheng.ingest.ledger_excel import import_ledger
    from chuangcheng.ingest.locate import grid_locator
    from chuangcheng.store import audit
    from chuangcheng.store.errors import require

    actor = _actor(req)
    require(actor, "ledger.import")
    engine = store.open_store(req["store_url"])
    result = import_ledger(
        Path(req["path"]),
        engine,
        actor,
        now=datetime.fromisoformat(req["now"]),
        locate=grid_locator(engine),
        display_name=req["display_name"],
    )
    pd.DataFrame(result.rejected).astype(str).to_parquet(folder / "rejected.parquet")
    audit.record_event(
        engine,
        actor=actor.username,
        action="ledger_import",
        target=req["display_name"],
        address=req.get("address"),
        detail={"created": len(result.created), "skipped": len(result.skipped), "rejected": len(result.rejected)},
    )
    return {"created": result.created, "skipped": result.skipped, "rejected": len(result.rejected)}


def _task_inspections(req: dict, folder: Path) -> dict:
    from datetime import datetime

    import pandas as pd

    from chuangcheng import store
    from chuangcheng.ingest.inspection_excel import import_inspections
    from chuangcheng.store import audit
    from chuangcheng.store.errors import require

    actor = _actor(req)
    require(actor, "inspection.import")
    engine = store.open_store(req["store_url"])
    result = import_inspections(
        Path(req["path"]),
        engine,
        actor,
        now=datetime.fromisoformat(req["now"]),
        areas=req.get("areas") or {},
        display_name=req["display_name"],
    )
    pd.DataFrame(result.rejected).astype(str).to_parquet(folder / "rejected.parquet")
    audit.record_event(
        engine,
        actor=actor.username,
        action="inspection_import",
        target=req["display_name"],
        address=req.get("address"),
        detail={"saved": len(result.saved), "cases": result.cases, "rejected": len(result.rejected)},
    )
    return {
        "saved": len(result.saved),
        "cases": result.cases,
        "skipped": result.skipped,
        "rejected": len(result.rejected),
    }


TASKS = {
    "headers": _task_headers,
    "import": _task_import,
    "plan": _task_plan,
    "commit": _task_commit,
    "ledger": _task_ledger,
    "inspections": _task_inspections,
}


def main(argv: list[str]) -> int:
    task, request_path = argv
    req = json.loads(Path(request_path).read_text(encoding="utf-8"))
    folder = Path(request_path).parent
    _apply_limits(req["limits"])
    from chuangcheng.geo.errors import CityDataError
    from chuangcheng.store.errors import StoreError

    try:
        result = TASKS[task](req, folder)
    except (CityDataError, StoreError) as exc:
        message = str(exc)
        if req.get("path"):  # the user knows the file by its own name, not the server's copy
            path = Path(req["path"])
            message = message.replace(str(path), req.get("display_name", path.name)).replace(
                path.name, req.get("display_name", path.name)
            )
        (folder / "error.json").write_text(
            json.dumps({"message": message, "kind": type(exc).__name__}, ensure_ascii=False), encoding="utf-8"
        )
        return EXIT_REFUSED
    except MemoryError:
        return EXIT_MEMORY
    (folder / "result.json").write_text(json.dumps(result, ensure_ascii=False, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
