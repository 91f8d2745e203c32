"""No Python module is over 400 lines: past that a module holds several concerns, and each should be a module
of its own (a package that re-exports, as STYLE §1 shows). Migrations, the benchmark and build or local
output are not read as code and are left out."""

import os
from pathlib import Path

from tests.deploy.support import ROOT

LIMIT = 400
# Directories whose modules are generated, vendored, local output or benchmarks, wherever they sit.
SKIPPED_DIRECTORIES = {"migrations", "bench", "node_modules", "build", "dist", "site", "staticfiles", "var"}


def project_modules() -> list[Path]:
    modules = []
    for directory, subdirectories, files in os.walk(ROOT):
        # pruned in place, so os.walk never enters them (.venv, .git, caches and the skipped directories)
        subdirectories[:] = [
            name for name in subdirectories if not name.startswith(".") and name not in SKIPPED_DIRECTORIES
        ]
        modules += [Path(directory) / name for name in files if name.endswith(".py")]
    return sorted(modules)


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): line_count(path)
        for path in project_modules()
        if line_count(path) > LIMIT
    }

    assert too_long == {}


def test_the_walk_finds_the_apps_and_skips_migrations_and_the_benchmark():
    names = {str(path.relative_to(ROOT)) for path in project_modules()}

    assert {"manage.py", "catalog/models/__init__.py", "tests/pharmacy/test_module_size.py"} <= names
    assert not any("/migrations/" in name or name.startswith(("bench/", ".venv/")) for name in names)
