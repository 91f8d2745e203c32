"""pytest fixtures for the real servers in tests/servers.py. Each skips without its binary and fails
under CI=true (see `require`); each is stopped at the end of its scope."""

import fcntl
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from .servers import PostgresCluster, RedisServer, S3Server, SMTPSink, postgres_bin_dir

# pytest-xdist (make test: -n 3 --dist loadgroup) runs tests in several processes, and each would start its
# own session-scoped server. Every test that uses one of these goes to one process, so each starts once.
SHARED_SERVER_GROUPS = {"postgres_cluster": "postgres-cluster"}


def uses_the_database(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool({"db", "transactional_db"} & fixtures)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Put the tests of each shared server in its xdist_group, and refuse a group holding a database test.

    pytest-xdist sends each group to its process before the single tests, whereas pytest-django runs the
    transactional tests after the others: a transactional test in a group would empty that process's test
    database (data migrations' rows included) under the plain database tests that follow. (The S3 server's
    tests are transactional, so it starts once in each process that needs it.)"""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        group = next((group for fixture, group in SHARED_SERVER_GROUPS.items() if fixture in fixtures), None)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
        if item.get_closest_marker("xdist_group") and uses_the_database(item):
            raise pytest.UsageError(f"{item.nodeid}: a test in an xdist_group must not use the database")


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL cluster for the whole run (never the shared server): tests may stop and
    start it (`.stop()`, `.start()`), and must leave it running."""
    from .availability import require

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


SEEDED_TEMPLATE = "seeded_template"


@pytest.fixture(scope="session")
def seeded_template(postgres_cluster):
    """On the throwaway cluster, a migrated database with one pack and a few shoppers (tests/drills/pg_seed.py),
    made once per run; returns what pg_seed printed. `seeded_database` copies it: CREATE DATABASE … TEMPLATE
    takes a fraction of a second, where migrating a new database takes several."""
    postgres_cluster.create_database(SEEDED_TEMPLATE)
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-m", "tests.drills.pg_seed"], cwd=root,
                            env={**os.environ, "DATABASE_URL": postgres_cluster.database_url(SEEDED_TEMPLATE)},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def seeded_database(postgres_cluster, seeded_template):
    """A fresh copy of the seeded template for this test: (its name, the seed: {"sku", "emails", "password"})."""
    name = f"seeded_{uuid.uuid4().hex[:8]}"
    postgres_cluster.create_database(name, template=SEEDED_TEMPLATE)
    return name, seeded_template


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite database file migrated from every migration once per run, for the tests whose subprocesses
    would otherwise each migrate a new one (most of a minute on 2 cores): copy it, never write to it.
    The xdist processes of one run share it through a file lock in the run's temporary directory."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    template = shared / "migrated-template.sqlite3"
    with open(shared / "migrated-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            partial = shared / f"migrating-{os.getpid()}.sqlite3"
            environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
            result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                                    cwd=Path(__file__).resolve().parents[1],
                                    env={**environment, "DATABASE_URL": f"sqlite:///{partial}"},
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, result.stderr[-3000:]
            partial.rename(template)
    return template


@pytest.fixture
def private_redis(tmp_path):
    """A redis-server of the test's own, on a free port; the test may stop and start it."""
    from .availability import require

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
    from .availability import require

    require(importlib.util.find_spec("moto") is not None and importlib.util.find_spec("flask") is not None,
            "needs moto's S3 server: pip install 'moto[server]' (requirements/dev.txt)")
    server = S3Server(sys.executable)
    server.start()
    yield server
    server.stop()
