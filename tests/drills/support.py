"""Helpers shared by the fault drills: point Celery at a private broker, run a real worker in a
subprocess, and find the test database's URL for it."""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import kombu.pools
from django.db import connection

from pharmacy.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def celery_broker(url: str):
    """Point the app at `url`, with eager mode off and an empty queue, and restore it after."""
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    reset_connection_pools()
    celery_app.control.purge()
    try:
        yield
    finally:
        reset_connection_pools()
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous


def reset_connection_pools() -> None:
    """Celery and kombu cache broker connections process-wide; drop them so the next use connects afresh."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def current_database_url() -> str:
    """The URL of the database this test runs against (pytest-django's test_… database)."""
    params = connection.settings_dict
    host, port = params.get("HOST") or "127.0.0.1", params.get("PORT") or "5432"
    user = params.get("USER") or "postgres"
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{params['NAME']}"


class WorkerProcess:
    """`celery worker` in a subprocess (solo pool: one process, so SIGKILL takes the task with it)."""

    def __init__(self, *, env: dict[str, str], log_path: Path):
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 — kept open for the child's lifetime
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "pharmacy", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"drill{os.getpid()}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""
