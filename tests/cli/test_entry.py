"""The ``chuangcheng`` command: declared in pyproject.toml, installed by scripts/setup.sh, one
subcommand per job, each reaching its own parser."""

import subprocess
import sys
import tomllib
from importlib import import_module
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_console_script_points_at_a_callable():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, name = scripts["chuangcheng"].partition(":")
    assert callable(getattr(import_module(module), name))


@pytest.mark.parametrize(
    "command, usage",
    [("coverage", "chuangcheng coverage"), ("import", "chuangcheng import"), ("demo", "chuangcheng demo")],
)
def test_each_subcommand_reaches_its_parser(command, usage):
    run = subprocess.run(
        [sys.executable, "-m", "chuangcheng", command, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and run.stdout.startswith(f"usage: {usage}"), run.stdout + run.stderr


def test_an_unknown_command_lists_the_commands_and_fails():
    run = subprocess.run(
        [sys.executable, "-m", "chuangcheng", "nonsense"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2 and all(c in run.stdout for c in ("coverage", "import", "demo", "serve"))


def test_setup_installs_the_command():
    installed = Path(sys.executable).parent / "chuangcheng"
    assert installed.is_file(), "scripts/setup.sh 应以 pip install -e . 安装 chuangcheng 命令"
    run = subprocess.run([str(installed), "--help"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "用法：chuangcheng" in run.stdout
