"""Where tests keep what a person should look at (screenshots, posters): test-artifacts/."""

import os
from pathlib import Path

ARTIFACTS = Path(os.environ.get("ARTIFACTS_DIR", Path(__file__).resolve().parent.parent / "test-artifacts"))
