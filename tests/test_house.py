"""The house rules the code keeps: ruff's lint (with a complexity limit) and format pass, mypy passes, and no
function runs over 60 lines without a reason written on the line above it (``# long: …``)."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["chuangcheng", "tests", "bench", "scripts", "server.py", "dashboard.py"]
MAX_FUNCTION_LINES = 60


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.fail("没有 ruff：请运行 scripts/test.sh（会安装 requirements-test.txt）。")
    return subprocess.run([ruff, *args, "--no-cache", *SOURCES], cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint_passes():
    run = _ruff("check", "--output-format", "concise")
    assert run.returncode == 0, run.stdout + run.stderr


def test_ruff_format_leaves_the_code_as_it_is():
    run = _ruff("format", "--check")
    assert run.returncode == 0, run.stdout + run.stderr


def long_functions_without_a_reason(path: Path, root: Path = ROOT) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            first = node.lineno - 1 - len(node.decorator_list)
            above = lines[first - 1].strip() if first > 0 else ""
            if length > MAX_FUNCTION_LINES and not above.startswith("# long: "):
                found.append(f"{path.relative_to(root)}:{node.lineno} {node.name} ({length} 行)")
    return found


def test_no_function_over_60_lines_without_a_reason():
    files = sorted((ROOT / "chuangcheng").rglob("*.py")) + [ROOT / "server.py", ROOT / "dashboard.py"]
    found = [f for path in files for f in long_functions_without_a_reason(path)]
    assert not found, "超过 60 行且未在上一行写明理由（# long: …）的函数：\n" + "\n".join(found)


def test_the_length_check_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(70))
    sample = tmp_path / "sample.py"
    sample.write_text(f"def f():\n{body}\n\n\n# long: a table\ndef g():\n{body}\n", encoding="utf-8")
    assert long_functions_without_a_reason(sample, tmp_path) == ["sample.py:1 f (71 行)"]


def test_the_type_checker_passes():
    """mypy over the whole package as configured in pyproject.toml."""
    mypy = shutil.which("mypy", path=str(Path(sys.executable).parent))
    if mypy is None:
        pytest.fail("没有 mypy：请运行 scripts/test.sh（会安装 requirements-test.txt）。")
    run = subprocess.run([mypy], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
