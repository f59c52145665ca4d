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
# If the server ever dies (it should not: files are parsed in child processes), it is started
# again after 5 s; Ctrl-C or a stop signal ends it for good.
stopping=0
child=
trap 'stopping=1; [ -n "$child" ] && kill -TERM "$child" 2>/dev/null' INT TERM
while :; do
  .venv/bin/streamlit run server.py --server.port "$port" --server.address "${ADDRESS:-0.0.0.0}" &
  child=$!
  status=0
  wait "$child" || status=$?
  # a trapped signal interrupts wait: wait again for the server to finish shutting down
  if [ "$stopping" = 1 ]; then wait "$child" || true; exit 0; fi
  if [ "$status" = 0 ]; then exit 0; fi
  echo "创城作战图服务器意外退出（状态 $status），5 秒后重新启动。" >&2
  sleep 5
done
