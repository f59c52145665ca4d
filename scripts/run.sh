#!/usr/bin/env bash
# One command: set up (idempotent) and run the dashboard on the bundled demo city.
#   PORT (default 8501) and ADDRESS (default 0.0.0.0, reachable on the LAN) can be set.
#   Listening beyond this machine, every page needs sign-in (demo accounts: see README);
#   DEMO=1 runs the explicit, open demonstration mode instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
port=${PORT:-8501}
if [ "${DEMO:-0}" = "1" ]; then export CHUANGCHENG_DEMO_MODE=1; fi
echo "创城作战图：在浏览器中打开 http://localhost:${port}/"
# server.py wraps the app (dashboard.py) with the hardening a government network needs.
exec .venv/bin/streamlit run server.py --server.port "$port" --server.address "${ADDRESS:-0.0.0.0}"
