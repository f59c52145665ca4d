#!/usr/bin/env bash
# One command: set up everything the tests need (Python packages, front-end assets, demo city,
# chromium and a CJK font) and run every test. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-test.txt
scripts/install_browser.sh
scripts/install_postgres.sh
exec .venv/bin/python -m pytest "$@"
