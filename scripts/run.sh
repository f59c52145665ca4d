#!/usr/bin/env bash
# One command: set up (idempotent) and run the dashboard on the bundled demo city.
#   PORT (default 8501) and ADDRESS (default 0.0.0.0, reachable on the LAN) can be set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
port=${PORT:-8501}
echo "创城作战图：在浏览器中打开 http://localhost:${port}/"
exec .venv/bin/streamlit run dashboard.py --server.port "$port" --server.address "${ADDRESS:-0.0.0.0}"
