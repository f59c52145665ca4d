#!/usr/bin/env bash
# Installs PostgreSQL 15 with PostGIS from Debian's packages when missing (for the ledger's
# server-mode tests). The tests start their own throwaway cluster on a free loopback port.
set -euo pipefail
if [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -f /usr/share/postgresql/15/extension/postgis.control ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "[postgres] 缺少 PostgreSQL/PostGIS，请执行：sudo apt-get install -y postgresql-15 postgresql-15-postgis-3" >&2
  exit 1
fi
echo "[postgres] installing postgresql-15 and postgresql-15-postgis-3 from Debian"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-15-postgis-3 >/dev/null
# Debian starts a cluster on install; the tests do not use it.
(command -v pg_ctlcluster >/dev/null && pg_ctlcluster 15 main stop) >/dev/null 2>&1 || true
