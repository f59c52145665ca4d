"""``chuangcheng``: one command with a subcommand per job.

chuangcheng coverage …     walking coverage and siting (``chuangcheng.cli.coverage``)
chuangcheng import FILE …  check a ledger or map file and write it to the store (``chuangcheng.cli.import_data``)
chuangcheng demo …         build the generated demo city into a store (``chuangcheng.demo.build``)
chuangcheng serve          run the dashboard (``scripts/run.sh`` also sets everything up first)
"""

from __future__ import annotations

import os
import subprocess
import sys

from chuangcheng.paths import PROJECT_ROOT


def _coverage(argv: list[str]) -> int:
    from chuangcheng.cli.coverage import main

    return main(argv)


def _import(argv: list[str]) -> int:
    from chuangcheng.cli.import_data import main

    return main(argv)


def _demo(argv: list[str]) -> int:
    from chuangcheng.demo.build import main

    return main(argv)


def _serve(argv: list[str]) -> int:
    server = PROJECT_ROOT / "server.py"
    if not server.is_file():
        print(f"错误：未找到 {server}；请在项目目录中运行，或设置 CHUANGCHENG_HOME 为项目目录。", file=sys.stderr)
        return 2
    return subprocess.call(
        [sys.executable, "-m", "streamlit", "run", str(server), *argv], cwd=PROJECT_ROOT, env=os.environ.copy()
    )


COMMANDS = {
    "coverage": (_coverage, "15分钟生活圈：步行覆盖与选址"),
    "import": (_import, "导入本市数据文件（台账、地图文件）"),
    "demo": (_demo, "生成示范城市并写入存储"),
    "serve": (_serve, "启动作战图服务（参数传给 streamlit run）"),
}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help") or args[0] not in COMMANDS:
        lines = "\n".join(f"  {name:<9} {title}" for name, (_, title) in COMMANDS.items())
        print(f"用法：chuangcheng <命令> [参数]\n\n命令：\n{lines}\n\n各命令的参数：chuangcheng <命令> --help")
        return 0 if args[:1] in ([], ["-h"], ["--help"]) else 2
    run, _ = COMMANDS[args[0]]
    return run(args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
