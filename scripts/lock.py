#!/usr/bin/env python
"""`make lock`: re-pin requirements/base.txt and requirements/dev.txt from pyproject.toml.

Installs pyproject's runtime dependencies into a scratch virtual environment and freezes them into
base.txt, then adds the `dev` extra and freezes what it added into dev.txt (which includes base.txt).
The result is plain `name==version` lines: no hashes, no download addresses. Review the diff.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_HEADER = "# Runtime dependencies, pinned. Regenerate with: make lock\n"
DEV_HEADER = "# Test and development tools, pinned; includes the runtime set.\n-r base.txt\n"


def pip(venv: Path, *args: str) -> str:
    result = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args],
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stdout + result.stderr)
    return result.stdout


def frozen(venv: Path) -> dict[str, str]:
    """Installed distributions as {lower-cased name: "Name==version"}."""
    lines = [line for line in pip(venv, "freeze").splitlines() if "==" in line]
    return {line.split("==")[0].lower(): line for line in lines}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=ROOT / "requirements")
    arguments = parser.parse_args()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    with tempfile.TemporaryDirectory() as scratch:
        venv = Path(scratch) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip(venv, "install", "--quiet", *project["dependencies"])
        runtime_names = set(frozen(venv))
        pip(venv, "install", "--quiet", *project["optional-dependencies"]["dev"])
        everything = frozen(venv)

    # Pins come from the full environment, so a runtime package the dev tools upgraded stays consistent.
    runtime = {name: line for name, line in everything.items() if name in runtime_names}
    development = {name: line for name, line in everything.items() if name not in runtime_names}
    arguments.output_dir.mkdir(parents=True, exist_ok=True)
    (arguments.output_dir / "base.txt").write_text(BASE_HEADER + "".join(
        f"{runtime[name]}\n" for name in sorted(runtime)))
    (arguments.output_dir / "dev.txt").write_text(DEV_HEADER + "".join(
        f"{development[name]}\n" for name in sorted(development)))
    print(f"pinned {len(runtime)} runtime, {len(development)} development packages in {arguments.output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
