#!/usr/bin/env bash
# Installs what the browser tests need when missing: Debian's chromium and a CJK font
# (fonts-noto-cjk, SIL OFL). Playwright drives /usr/bin/chromium; it downloads no browser.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "[browser] 缺少 ${need[*]}，请执行：sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "[browser] installing ${need[*]} from Debian"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
