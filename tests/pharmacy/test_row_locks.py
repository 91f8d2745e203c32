"""Every row lock lives in its app's locks.py (docs/layout.md, "Row locks"): a select_for_update()
anywhere else in the project's code escapes the documented lock order."""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", ".git", "tests", "migrations", "node_modules", "staticfiles", "var", "bench", "docs"}
LOCK_CALL = re.compile(r"\.select_for_update\(")


def test_select_for_update_is_called_only_in_locks_modules():
    offenders = []
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [name for name in subdirectories if name not in SKIPPED_DIRS]
        for name in files:
            if not name.endswith(".py") or name == "locks.py":
                continue
            path = Path(directory, name)
            text = path.read_text(encoding="utf-8")
            offenders += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
                          for match in LOCK_CALL.finditer(text)]
    assert offenders == []
