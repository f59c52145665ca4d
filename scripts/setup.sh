#!/usr/bin/env bash
# Sets up everything the dashboard needs, on a fresh machine or again (idempotent):
#   1. a Python virtual environment .venv with requirements.txt;
#   2. the map's front-end assets from the npm registry, copied to static/vendor (served by the app);
#   3. the embedded store data/store/city.gpkg with the generated demo city 大同市, created on the
#      first run (never overwritten: it is the system of record; `python -m chuangcheng.demo.build --rebuild`
#      starts it again). With $CHUANGCHENG_STORE_URL set (e.g. PostgreSQL), nothing is generated.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

install_debian() {  # install Debian packages when running as root (CI, fresh servers)
  if [ "$(id -u)" -ne 0 ]; then
    echo "[setup] 缺少系统软件包：$*。请以 root 运行，或执行：sudo apt-get install -y $*" >&2
    exit 1
  fi
  if [ ! -f /tmp/.chuangcheng-apt-updated ]; then
    apt-get update -qq && touch /tmp/.chuangcheng-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  "$PYTHON" -m venv .venv || { install_debian python3-venv; "$PYTHON" -m venv .venv; }
fi
log "installing Python packages"
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
# The project itself, editable: the `chuangcheng` command (coverage, import, demo, serve).
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .

if ! command -v npm >/dev/null 2>&1; then
  log "installing node and npm from Debian"
  install_debian nodejs npm
fi
if [ ! -f node_modules/leaflet/dist/leaflet.js ] || [ ! -f node_modules/html-to-image/dist/html-to-image.js ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing front-end assets from the npm registry"
  npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf static/vendor
mkdir -p static/vendor
cp -r node_modules/leaflet/dist static/vendor/leaflet
mkdir -p static/vendor/html-to-image
cp node_modules/html-to-image/dist/html-to-image.js static/vendor/html-to-image/

# Posters and chart images need a CJK font; without one every character is a box. Without root
# the dashboard still runs; the press page then says how to install it.
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if [ "$(id -u)" -eq 0 ]; then
    log "installing the CJK font fonts-noto-cjk from Debian"
    install_debian fonts-noto-cjk fontconfig
  else
    log "警告：未安装中文字体 fonts-noto-cjk，海报导出不可用（sudo apt-get install -y fonts-noto-cjk）"
  fi
fi

if [ -z "${CHUANGCHENG_STORE_URL:-}" ]; then
  if [ ! -f data/store/city.gpkg ]; then
    log "generating the demo city (大同市, four urban districts) into data/store/city.gpkg"
  fi
  .venv/bin/python -m chuangcheng.demo.build --if-missing
fi
log "ready"
