"""Imports run dashboard → views → ui → layers → geo, never back; the store (``store/``) and the
readers of untrusted files (``ingest/``) sit beside ``geo/`` and use it, never the reverse; the
layer registry and the paths module import nothing of the project (checked on the source's AST).
The packages are ``chuangcheng.<package>``; an import of ``chuangcheng.geo.x`` counts as ``geo``."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI = {"folium", "streamlit", "streamlit_folium", "branca", "layers", "ui", "views", "dashboard"}
PROJECT = {
    "geo",
    "store",
    "ingest",
    "layers",
    "ui",
    "views",
    "demo",
    "cli",
    "bench",
    "dashboard",
    "scripts",
    "registry",
    "paths",
    "chuangcheng",
}
PACKAGE = ROOT / "chuangcheng"
FORBIDDEN = {
    "geo": UI | {"demo", "store", "ingest", "sqlalchemy", "psycopg", "sqlite3"},
    "store": UI | {"demo", "ingest"},
    "ingest": UI | {"demo"},
    "layers": {"streamlit", "streamlit_folium", "ui", "views", "dashboard", "demo", "store", "ingest", "sqlalchemy"},
    "demo": UI,
    "ui": {"views", "dashboard"},
    "cli": UI,
    "bench": UI,
}
# A benchmark may talk to a running server as a browser does, over Streamlit's wire messages;
# that is a client of the UI, not the UI.
WIRE = {"bench": ("streamlit.proto",)}


def _imports(path: Path, allowed: tuple[str, ...] = ()) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "chuangcheng" and node.level == 0:
            modules = [f"chuangcheng.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        else:
            continue
        names.update(_package(m) for m in modules if not m.startswith(allowed))
    return names


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "chuangcheng" and len(parts) > 1 else parts[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_upwards(package):
    files = sorted(((ROOT if package == "bench" else PACKAGE) / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    bad = {str(f.relative_to(ROOT)): sorted(_imports(f, WIRE.get(package, ())) & FORBIDDEN[package]) for f in files}
    bad = {f: names for f, names in bad.items() if names}
    assert not bad, f"{package}/ imports what it must not: {bad}"


@pytest.mark.parametrize("module", ["registry.py", "paths.py"])
def test_the_registry_and_paths_import_nothing_of_the_project(module):
    assert not _imports(PACKAGE / module) & PROJECT


def test_the_code_is_one_package():
    loose = [
        p.name
        for p in ROOT.iterdir()
        if p.is_dir() and (p / "__init__.py").is_file() and p.name not in ("chuangcheng", "tests", "bench", "scripts")
    ]
    assert not loose, f"packages outside chuangcheng/: {loose}"


def test_the_checker_sees_imports(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("import folium\nfrom streamlit import x\nfrom . import y\n", encoding="utf-8")
    assert _imports(sample) == {"folium", "streamlit"}
    sample.write_text(
        "from chuangcheng import store, registry\nimport chuangcheng.geo.kpi\nfrom chuangcheng.ui.data import engine\n",
        encoding="utf-8",
    )
    assert _imports(sample) == {"store", "registry", "geo", "ui"}


def test_only_the_wire_messages_are_allowed(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("from streamlit.proto.BackMsg_pb2 import BackMsg\nimport streamlit.runtime\n", encoding="utf-8")
    assert _imports(sample, ("streamlit.proto",)) == {"streamlit"}
