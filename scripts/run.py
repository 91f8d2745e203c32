#!/usr/bin/env python
"""`make run`: prepare the database, then serve the site, and with REDIS_URL set a Celery worker and beat.

The site is served by gunicorn (WEB_CONCURRENCY worker processes, default 2, each with WEB_THREADS
threads, default 8), as in the web container, not by Django's development server, which resets
connections under load. WhiteNoise serves the static files. Code changes need a restart.

With nothing set, the site runs on SQLite under var/ and Celery tasks run in-process, so only the web
server is started. With REDIS_URL set, tasks go to Redis, so a worker and beat must run beside it.

Each child runs in its own process group: one Ctrl-C (SIGINT), SIGTERM or SIGHUP stops every group,
grandchildren included (gunicorn's workers, Celery's pool). If any child exits by itself, the
others are stopped too, so nothing is left running half-configured. On Linux, children also receive
SIGTERM if this supervisor is killed outright (prctl PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STOP_GRACE_SECONDS = 10
POLL_SECONDS = 0.2


def log(message: str) -> None:
    print(f"[run] {message}", flush=True)


def manage(*args: str) -> list[str]:
    return [PYTHON, str(ROOT / "manage.py"), *args]


def gunicorn(*, host: str, port: int) -> list[str]:
    return [PYTHON, "-m", "gunicorn", "pharmacy.wsgi:application", "--bind", f"{host}:{port}",
            "--workers", os.environ.get("WEB_CONCURRENCY", "2"), "--threads", os.environ.get("WEB_THREADS", "8"),
            # Shorter than the supervisor's STOP_GRACE_SECONDS, so a stop is graceful, not a kill.
            "--graceful-timeout", "5"]  # the rest, the access log's included, is in ./gunicorn.conf.py


def celery(*args: str) -> list[str]:
    return [PYTHON, "-m", "celery", "-A", "pharmacy", *args]


def site_url(*, host: str, port: int) -> str:
    """The address e-mail links point at when SITE_URL is not set: the one served (this machine, when
    gunicorn listens on every interface)."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def configure_site_url(*, host: str, port: int) -> None:
    """`make run PORT=8090` writes links to :8090, not the settings' default; an explicit SITE_URL wins."""
    os.environ.setdefault("SITE_URL", site_url(host=host, port=port))


def child_environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.setdefault("DJANGO_SETTINGS_MODULE", "pharmacy.settings.local")
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def has_management_command(name: str) -> bool:
    return subprocess.run(manage("help", name), cwd=ROOT, env=child_environment(),
                          capture_output=True).returncode == 0


def prepare_site() -> None:
    """Migrate, load the demo catalog (unless LOAD_DEMO_CATALOG=false) and collect static files;
    stop at the first failure."""
    steps = [manage("migrate", "--noinput")]
    if os.environ.get("LOAD_DEMO_CATALOG", "true").lower() != "true":
        log("LOAD_DEMO_CATALOG is not true: not loading the demo catalog")
    elif has_management_command("load_demo_catalog"):
        steps.append(manage("load_demo_catalog"))
    else:
        log("load_demo_catalog is not available yet: starting with an empty catalog")
    steps.append(manage("collectstatic", "--noinput", "--verbosity", "0"))
    for argv in steps:
        log(" ".join(argv[1:]))
        subprocess.run(argv, cwd=ROOT, env=child_environment(), check=True)


def services(*, host: str, port: int, beat_schedule: Path) -> dict[str, list[str]]:
    wanted = {"web": gunicorn(host=host, port=port)}
    if os.environ.get("REDIS_URL"):
        beat_schedule.parent.mkdir(parents=True, exist_ok=True)
        wanted["worker"] = celery("worker", "--loglevel", "INFO")
        wanted["beat"] = celery("beat", "--loglevel", "INFO", "--schedule", str(beat_schedule))
    return wanted


LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Runs in the child before exec: ask Linux to send SIGTERM if the supervisor dies."""
    if LIBC is not None:
        LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


class Supervisor:
    def __init__(self) -> None:
        self.children: dict[str, subprocess.Popen] = {}
        self.stop_signals: list[int] = []

    def request_stop(self, signum: int, _frame) -> None:
        self.stop_signals.append(signum)

    def start(self, name: str, argv: list[str]) -> None:
        process = subprocess.Popen(argv, cwd=ROOT, env=child_environment(), start_new_session=True,
                                   preexec_fn=_die_with_parent)
        self.children[name] = process
        log(f"started {name} (pid {process.pid}): {' '.join(argv[1:])}")

    def wait_for_stop_or_exit(self) -> str | None:
        """Block until a stop signal arrives (returns None) or a child exits (returns its name)."""
        while not self.stop_signals:
            for name, process in self.children.items():
                if process.poll() is not None:
                    return name
            time.sleep(POLL_SECONDS)
        return None

    def stop_all(self) -> None:
        for name, process in reversed(self.children.items()):
            log(f"stopping {name} (pid {process.pid})")
            signal_group(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        pending = dict(self.children)
        already_signalled = len(self.stop_signals)
        while pending and time.monotonic() < deadline and len(self.stop_signals) <= already_signalled:
            for name, process in list(pending.items()):
                process.poll()  # reap the group leader, so a finished group really is gone
                if process.returncode is not None and group_is_gone(process.pid):
                    del pending[name]
            time.sleep(POLL_SECONDS)
        for name, process in pending.items():
            log(f"{name} is still running (grace period over or second Ctrl-C): killing its process group")
            signal_group(process.pid, signal.SIGKILL)
            process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--beat-schedule", type=Path, default=ROOT / "var" / "celerybeat-schedule",
                        help="where Celery beat keeps its last-run times (with REDIS_URL set)")
    arguments = parser.parse_args()
    configure_site_url(host=arguments.host, port=arguments.port)

    try:
        prepare_site()
    except subprocess.CalledProcessError as error:
        log(f"preparing the site failed (exit {error.returncode}); nothing was started")
        return 1
    except KeyboardInterrupt:
        return 130

    supervisor = Supervisor()
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, supervisor.request_stop)
    for name, argv in services(host=arguments.host, port=arguments.port,
                                   beat_schedule=arguments.beat_schedule).items():
        supervisor.start(name, argv)

    base_url = f"http://{arguments.host}:{arguments.port}"
    log(f"storefront {base_url}/  admin {base_url}/admin/  API {base_url}/api/v1/  docs {base_url}/api/docs/")
    log("press Ctrl-C to stop " + ", ".join(supervisor.children))

    exited = supervisor.wait_for_stop_or_exit()
    if exited:
        log(f"{exited} exited with status {supervisor.children[exited].returncode}: stopping the rest")
    supervisor.stop_all()
    log("all stopped")
    return 1 if exited else 0


if __name__ == "__main__":
    sys.exit(main())
