"""The worker's readiness check is compose's healthcheck command, run here as compose runs it, against a real
Celery worker (a subprocess on a private Redis broker): it passes while the worker answers over the broker,
and fails, within its timeout, once the worker has stopped."""

import os
import subprocess
import sys
import time

import pytest
import yaml

from tests.deploy.support import ROOT

WORKER_HOST = "readiness-check"


def healthcheck_command() -> str:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    kind, command = compose["services"]["worker"]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    return command.replace("$$", "$")  # compose's escape for a literal $, expanded by the container's shell


def run_healthcheck(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", healthcheck_command()], cwd=ROOT, env={**env, "HOSTNAME": WORKER_HOST},
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def worker_env(private_redis):
    bin_dir = os.path.dirname(sys.executable)
    inherited = {name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "REDIS_URL"}}
    return {**inherited, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
            "DJANGO_SETTINGS_MODULE": "pharmacy.settings.local",
            "CELERY_BROKER_URL": private_redis.url(2), "CELERY_TASK_ALWAYS_EAGER": "false"}


def test_the_worker_healthcheck_passes_while_the_worker_answers_and_fails_once_it_stops(worker_env, tmp_path):
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "pharmacy", "worker", "--pool", "solo", "--hostname",
             f"celery@{WORKER_HOST}", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
            cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while b"ready." not in log_path.read_bytes():
            assert worker.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "the worker did not start: " + log_path.read_text()[-3000:]
            time.sleep(0.2)
        answered = run_healthcheck(worker_env)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert answered.returncode == 0, answered.stdout + answered.stderr
    assert f"celery@{WORKER_HOST}: OK" in answered.stdout

    silent = run_healthcheck(worker_env)
    assert silent.returncode != 0
