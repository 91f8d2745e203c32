"""pytest fixtures for the real servers in tests/servers.py. Each skips without its binary and fails
under CI=true (see `require`); each is stopped at the end of its scope."""

import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from .servers import PostgresCluster, RedisServer, S3Server, SMTPSink, postgres_bin_dir


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL cluster for the whole run (never the shared server): tests may stop and
    start it (`.stop()`, `.start()`), and must leave it running."""
    from .conftest import require

    bin_dir = postgres_bin_dir()
    require(bin_dir is not None, "needs PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
    if os.geteuid() == 0:
        require(shutil.which("runuser") is not None, "needs runuser to run initdb as the postgres user")
    # Not under pytest's tmp_path: that is private to root, and the server runs as `postgres`.
    base_dir = Path(tempfile.mkdtemp(prefix="pharmacy-test-pg-"))
    cluster = PostgresCluster(base_dir, bin_dir)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.is_running():
            cluster.stop(mode="immediate")
        shutil.rmtree(base_dir, ignore_errors=True)


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of the test's own, on a free port; the test may stop and start it."""
    from .conftest import require

    binary = shutil.which("redis-server")
    require(binary is not None, "needs redis-server on PATH: apt-get install redis-server")
    server = RedisServer(tmp_path, binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink():
    """An SMTP server on a free port that keeps what it receives; it can refuse or stall mail."""
    sink = SMTPSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server for the whole run; tests take their own bucket with `s3_server.create_bucket()`."""
    from .conftest import require

    require(importlib.util.find_spec("moto") is not None and importlib.util.find_spec("flask") is not None,
            "needs moto's S3 server: pip install 'moto[server]' (requirements/dev.txt)")
    server = S3Server(sys.executable)
    server.start()
    yield server
    server.stop()
