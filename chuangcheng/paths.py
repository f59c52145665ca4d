"""Where the project's files are, declared once.

The code is the ``chuangcheng`` package; what it reads and writes beside the code lives in the
project folder above it (``CHUANGCHENG_HOME`` moves it, e.g. for an installed package):
``data/`` (standards, checklists, source files, the embedded store, users' files), ``config/``
(wall-screen settings) and ``static/`` (front-end assets served by the app).

This module imports nothing of the project, so every package may read it.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("CHUANGCHENG_HOME") or PACKAGE_DIR.parent).resolve()
DATA_DIR = PROJECT_ROOT / "data"
USER_DIR = DATA_DIR / "user"  # users' own files: import mappings, the first-start code
CONFIG_DIR = PROJECT_ROOT / "config"
STATIC_DIR = PROJECT_ROOT / "static"
