"""Helpers for the infrastructure tests: the repository's paths, free ports, HTTP polling, process groups,
and the names of the environment variables the settings read."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
# Every settings module but test.py: base.py and the modules it imports, local.py and production.py.
SETTINGS_FILES = sorted(path for path in (ROOT / "pharmacy" / "settings").glob("*.py") if path.name != "test.py")
# An xdist_group: the tests that start scripts/run.py with nothing configured. Each collects its static files
# into a STATIC_ROOT of its own (a file of the shared one vanished mid-collect once); the group also keeps them
# off the other state they share under var/ (the development encryption key file). Tests that give the
# scripts their own PRESCRIPTION_ENCRYPTION_KEYS, database and directories need no group.
MANIFEST_STATIC_FILES = "manifest-static-files"

# env("NAME"), env.str("NAME", …), env.db("NAME"), env.list("NAME", …) and the like.
_ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def settings_environment_variables() -> set[str]:
    """Every environment variable that the settings modules (all but test.py) read."""
    names: set[str] = set()
    for path in SETTINGS_FILES:
        names.update(_ENV_READ.findall(path.read_text()))
    return names


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment_without(*names: str, **values: str) -> dict[str, str]:
    """This process's environment minus `names`, plus `values`; never pytest's DJANGO_SETTINGS_MODULE."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in names and key != "DJANGO_SETTINGS_MODULE"}
    environment.update(values)
    return environment


def http_get(url: str, *, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for_http_ok(url: str, *, process: subprocess.Popen, log_path: Path, timeout: float = 120) -> None:
    """Poll `url` until it answers 200; fail early, with the process's log, if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text()
            raise AssertionError(f"exited with {process.returncode} before {url} answered:\n{log}")
        try:
            if http_get(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer 200 within {timeout}s:\n{log_path.read_text()}")


def wait_for_port(port: int, *, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    """Wait until something accepts connections on 127.0.0.1:`port`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listened on port {port} within {timeout}s:\n{log_path.read_text()}")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state, ppid, pgrp, …


def child_pids(parent_pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields and int(fields[1]) == parent_pid:
                children.append(int(entry.name))
    return sorted(children)


def process_group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes whose process group is `pgid`."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields and int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return sorted(members)


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except FileNotFoundError:
        return ""


@contextmanager
def gunicorn_serving(env: dict[str, str], log_path: Path, *, timeout: float = 60):
    """The app under gunicorn (one worker, two threads) in a subprocess with `env`, on a free port; yields the
    port once /healthz answers, and stops it afterwards. Its output goes to `log_path`."""
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "pharmacy.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "2", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http_ok(f"http://127.0.0.1:{port}/healthz", process=process, log_path=log_path, timeout=timeout)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
