"""Parsing untrusted files in a child process with limits, so no file can take the server down.

The file's declared format is checked first (``ingest.formats``). Then a child process
(``ingest.child``) parses it with an address-space limit, a CPU-time limit and a limit on what it
may write, knowing only the GDAL drivers of that format and with GDAL's network access pointed
at a closed port; the parent waits (holding no lock) with a wall-clock limit. A crash, an abort,
a limit reached or a refusal in the child is a ``CityDataError`` with a Chinese message naming the
file; the server process itself never parses the file and keeps serving everyone else.

Large results stay on the server's disk (Parquet in a private temporary folder) and are handed
over by path: the page shows a sample, and a commit reads them in another child process, so a
million rows never cross the browser connection or hold the server's interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from chuangcheng.geo.errors import CityDataError
from chuangcheng.geo.workflow import Actor
from chuangcheng.ingest import formats
from chuangcheng.paths import PACKAGE_DIR
from chuangcheng.store.errors import require

WORK_DIR = Path(tempfile.gettempdir()) / "chuangcheng-work"


@dataclass(frozen=True)
class Limits:
    """What one parse may use. Defaults fit a 1,000,000-row ledger on a 2-core, 24 GiB server."""

    memory_bytes: int = 6 * 2**30
    cpu_s: int = 600
    output_bytes: int = 4 * 2**30
    wall_s: float = 900.0


DEFAULT_LIMITS = Limits()
# Every GDAL driver a parse might otherwise reach (read from this GDAL at first use).
_ALL_DRIVERS: tuple[str, ...] | None = None


def _all_drivers() -> tuple[str, ...]:
    global _ALL_DRIVERS
    if _ALL_DRIVERS is None:
        import pyogrio

        _ALL_DRIVERS = tuple(pyogrio.list_drivers()) + ("VRT", "OGR_VRT", "GDALG", "HTTP", "WMS", "WCS")
    return _ALL_DRIVERS


def child_env(allowed_drivers: tuple[str, ...]) -> dict[str, str]:
    """The child's environment: only ``allowed_drivers`` registered, no GDAL network, no VRT."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    skip = sorted(set(_all_drivers()) - set(allowed_drivers))
    dead_end = "http://127.0.0.1:9"  # the discard port: nothing answers
    env.update(
        {
            "GDAL_SKIP": " ".join(skip),
            "OGR_SKIP": ",".join(skip),
            "GDAL_HTTP_PROXY": "127.0.0.1:9",
            "http_proxy": dead_end,
            "https_proxy": dead_end,
            "HTTP_PROXY": dead_end,
            "HTTPS_PROXY": dead_end,
            "no_proxy": "",
            "NO_PROXY": "",
            "GDAL_HTTP_TIMEOUT": "1",
            "GDAL_HTTP_MAX_RETRY": "0",
            "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".none",
            "GDAL_VRT_ENABLE_PYTHON": "NO",
            "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
            "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
            "PYTHONPATH": str(PACKAGE_DIR.parent),
        }
    )
    return env


def _death(code: int, name: str) -> str:
    if code == -signal.SIGXCPU:
        return f"解析文件 {name} 超过了计算时间上限，已停止（文件可能过大或经过特意构造）。"
    if code == -signal.SIGXFSZ:
        return f"解析文件 {name} 产生的数据超过了上限，已停止。"
    if code in (-signal.SIGKILL, 4):
        return f"解析文件 {name} 需要的内存超过了上限，已停止（文件可能过大或经过特意构造）。"
    if code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
        return f"解析文件 {name} 时解析程序异常退出（文件已损坏或经过特意构造），已拒绝。服务器的其他功能不受影响。"
    return f"解析文件 {name} 失败（退出码 {code}），已拒绝。"


def run(
    task: str,
    request: dict,
    *,
    allowed_drivers: tuple[str, ...] = (),
    display_name: str = "文件",
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[dict, Path]:
    """Run one child task; returns (its result, its folder — the caller removes it)."""
    WORK_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = Path(tempfile.mkdtemp(prefix=f"{task}-", dir=WORK_DIR))
    limits_dict = {"memory_bytes": limits.memory_bytes, "cpu_s": limits.cpu_s, "output_bytes": limits.output_bytes}
    (folder / "request.json").write_text(
        json.dumps({**request, "limits": limits_dict}, ensure_ascii=False, default=str), encoding="utf-8"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "chuangcheng.ingest.child", task, str(folder / "request.json")],
        cwd=PACKAGE_DIR.parent,
        env=child_env(allowed_drivers),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, stderr = proc.communicate(timeout=limits.wall_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
        raise CityDataError(f"解析文件 {display_name} 超过了 {limits.wall_s:.0f} 秒，已停止。") from None
    error = folder / "error.json"
    if proc.returncode == 3 and error.exists():
        detail = json.loads(error.read_text(encoding="utf-8"))
        shutil.rmtree(folder, ignore_errors=True)
        raise _refusal(detail["kind"], detail["message"])
    if proc.returncode != 0 or not (folder / "result.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        raise CityDataError(_death(proc.returncode, display_name))
    return json.loads((folder / "result.json").read_text(encoding="utf-8")), folder


def _refusal(kind: str, message: str) -> Exception:
    from chuangcheng.store import errors

    classes = {
        "StaleWriteError": errors.StaleWriteError,
        "PermissionDenied": errors.PermissionDenied,
        "RecordError": errors.RecordError,
        "StoreError": errors.StoreError,
    }
    return classes.get(kind, CityDataError)(message)


@dataclass
class IsolatedImport:
    """What the child made of one file. The accepted rows stay in ``folder`` until committed."""

    file: str
    layer: str
    folder: Path
    rows_read: int
    n_accepted: int
    skipped: list[tuple[int, str]] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def accepted_path(self) -> Path:
        return self.folder / "accepted.parquet"

    def accepted(self, limit: int | None = None) -> gpd.GeoDataFrame:
        """The accepted rows; with a ``limit`` below their number, a random sample of that many
        (from the child's sample file: a large file is never loaded whole into the server)."""
        sample = self.folder / "sample.parquet"
        if limit is not None and self.n_accepted > limit and sample.exists():
            frame = gpd.read_parquet(sample)
            return frame if len(frame) <= limit else frame.head(limit)
        frame = gpd.read_parquet(self.accepted_path)
        return frame if limit is None or len(frame) <= limit else frame.sample(limit, random_state=0)

    def keys(self, columns: list[str]) -> pd.DataFrame:
        """Just these columns of the accepted rows (those present), without the geometry."""
        import pyarrow.parquet as pq

        names = set(pq.read_schema(self.accepted_path).names)
        return pd.read_parquet(self.accepted_path, columns=[c for c in columns if c in names])

    def summary(self) -> str:
        return (
            f"{self.file}：读取 {self.rows_read} 行，接受 {self.n_accepted} 行，拒绝 {len(self.rejected)} 行，"
            f"跳过 {len(self.skipped)} 行（空行或合计行），修复几何 {len(self.repairs)} 处。"
        )

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _rejected(folder: Path, display_name: str) -> pd.DataFrame:
    """The child's rejected rows, named by the user's file and numbered as the file shows them."""
    rejected = pd.read_parquet(folder / "rejected.parquet")
    if "file" in rejected.columns:
        rejected["file"] = display_name
    if "row" in rejected.columns:
        rejected["row"] = pd.to_numeric(rejected["row"], errors="coerce").astype("Int64")
    return rejected


def file_headers(path: Path, layer: str, display_name: str) -> list[str]:
    fmt = formats.check(path, display_name)
    result, folder = run(
        "headers",
        {"path": str(path), "layer": layer, "display_name": display_name},
        allowed_drivers=fmt.drivers,
        display_name=display_name,
    )
    shutil.rmtree(folder, ignore_errors=True)
    return result["headers"]


def import_file(
    path: Path,
    layer: str,
    *,
    display_name: str,
    system: str = "wgs84",
    mapping: dict[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> IsolatedImport:
    """The import report of one file, parsed in a child process."""
    fmt = formats.check(path, display_name)
    result, folder = run(
        "import",
        {"path": str(path), "layer": layer, "system": system, "mapping": mapping, "display_name": display_name},
        allowed_drivers=fmt.drivers,
        display_name=display_name,
        limits=limits,
    )
    rejected = _rejected(folder, display_name)
    return IsolatedImport(
        file=display_name,
        layer=layer,
        folder=folder,
        rows_read=result["rows_read"],
        n_accepted=result["accepted"],
        skipped=[tuple(s) for s in result["skipped"]],
        repairs=[r.replace(path.name, display_name) for r in result["repairs"]],
        warnings=result["warnings"],
        mapping=result["mapping"],
        rejected=rejected,
    )


def plan(imported: IsolatedImport, *, store_url: str) -> dict:
    """What committing the accepted rows would do now (a ``store.layers.Plan`` as a dict),
    worked out by a child from the rows' keys: a million keys never enter this process."""
    result, folder = run(
        "plan",
        {"accepted": str(imported.accepted_path), "store_url": store_url, "layer": imported.layer},
        display_name=imported.file,
    )
    shutil.rmtree(folder, ignore_errors=True)
    return result


def commit(
    imported: IsolatedImport, *, store_url: str, actor: Actor, expected_version: int | None, address: str | None = None
) -> dict:
    """Commit what a child accepted, in another child (the rows never enter this process)."""
    require(actor, "layer.import")
    result, folder = run(
        "commit",
        {
            "accepted": str(imported.accepted_path),
            "store_url": store_url,
            "layer": imported.layer,
            "actor": actor.__dict__,
            "source_name": imported.file,
            "expected_version": expected_version,
            "address": address,
        },
        display_name=imported.file,
    )
    shutil.rmtree(folder, ignore_errors=True)
    return result


def import_ledger(
    path: Path, *, store_url: str, actor: Actor, display_name: str, now, address: str | None = None
) -> dict:
    """An Excel problem ledger imported by a child process; returns counts and rejected rows."""
    require(actor, "ledger.import")
    formats.check(path, display_name)
    result, folder = run(
        "ledger",
        {
            "path": str(path),
            "store_url": store_url,
            "actor": actor.__dict__,
            "display_name": display_name,
            "now": now.isoformat(),
            "address": address,
        },
        display_name=display_name,
    )
    result["rejected_rows"] = _rejected(folder, display_name)
    shutil.rmtree(folder, ignore_errors=True)
    return result


def import_inspections(
    path: Path,
    *,
    store_url: str,
    actor: Actor,
    display_name: str,
    now,
    areas: dict[str, dict],
    address: str | None = None,
) -> dict:
    require(actor, "inspection.import")
    formats.check(path, display_name)
    result, folder = run(
        "inspections",
        {
            "path": str(path),
            "store_url": store_url,
            "actor": actor.__dict__,
            "display_name": display_name,
            "now": now.isoformat(),
            "areas": areas,
            "address": address,
        },
        display_name=display_name,
    )
    result["rejected_rows"] = _rejected(folder, display_name)
    shutil.rmtree(folder, ignore_errors=True)
    return result
