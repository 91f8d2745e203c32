"""`make run`'s supervisor (scripts/run.py), run for real: it prepares the site, serves it, and one Ctrl-C
(SIGINT to its process group, as a terminal sends it) stops every process it started."""

import concurrent.futures
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from pharmacy.encryption import generate_key_entry

from .support import (
    MANIFEST_STATIC_FILES,
    ROOT,
    child_pids,
    command_line,
    environment_without,
    free_port,
    http_get,
    process_group_members,
    wait_for_http_ok,
)

SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER",
                     "EMAIL_URL")


def isolated_environment(tmp_path: Path, **values: str) -> dict[str, str]:
    """No services unless given; the database (SQLite by default) and uploads under tmp_path."""
    return environment_without(
        *SERVICE_VARIABLES, **{"DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
                               "MEDIA_ROOT": str(tmp_path / "media"), "STATIC_ROOT": str(tmp_path / "static"),
                               "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"), **values},
    )


def start_supervisor(*, environment: dict[str, str], port: int, tmp_path: Path):
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "run.py"), "--port", str(port),
             "--beat-schedule", str(tmp_path / "celerybeat-schedule")],
            cwd=ROOT, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, log_path


def press_ctrl_c(process: subprocess.Popen, log_path: Path) -> int:
    os.killpg(process.pid, signal.SIGINT)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError(f"the supervisor did not stop within 30 s:\n{log_path.read_text()}") from None


def stop_leftovers(process_groups: list[int]) -> None:
    for pgid in process_groups:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def throwaway_database():
    """A PostgreSQL database of its own on DATABASE_URL's server, dropped afterwards."""
    import psycopg

    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    name = f"{url.path.lstrip('/') or 'pharmacy'}_run_{os.getpid()}"
    maintenance = url._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield url._replace(path=f"/{name}").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def worker_pids_answering(environment: dict[str, str]) -> set[int]:
    """The pids of the Celery workers that answer on REDIS_URL's broker."""
    reply = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "pharmacy", "inspect", "stats", "--json", "--timeout", "2"],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )
    if reply.returncode != 0:
        return set()
    return {int(stats["pid"]) for stats in json.loads(reply.stdout).values()}


@pytest.mark.postgres
@pytest.mark.redis
def test_run_with_postgres_and_redis_starts_worker_and_beat_and_stops_all_on_ctrl_c(
    tmp_path, throwaway_database
):
    port = free_port()
    # Its own encryption key, so it shares nothing under var/ with the SQLite tests (which create the
    # development key) and needs no xdist_group: it runs beside them.
    environment = isolated_environment(tmp_path, DATABASE_URL=throwaway_database,
                                       REDIS_URL=os.environ["REDIS_URL"],
                                       PRESCRIPTION_ENCRYPTION_KEYS=generate_key_entry("run"))
    process, log_path = start_supervisor(environment=environment, port=port, tmp_path=tmp_path)
    groups: list[int] = []
    try:
        wait_for_http_ok(f"http://127.0.0.1:{port}/healthz", process=process, log_path=log_path)
        groups = child_pids(process.pid)
        roles = {pid: command_line(pid) for pid in groups}
        worker = next(pid for pid, line in roles.items() if "celery -A pharmacy worker" in line)
        assert len(groups) == 3
        assert any("gunicorn pharmacy.wsgi:application" in line for line in roles.values())
        assert any("celery -A pharmacy beat" in line for line in roles.values())

        deadline = time.monotonic() + 60
        while worker not in worker_pids_answering(environment):
            assert time.monotonic() < deadline, f"the worker never answered:\n{log_path.read_text()}"
            assert process.poll() is None, f"the supervisor exited:\n{log_path.read_text()}"
        assert "Applying catalog.0001_initial... OK" in log_path.read_text()

        assert press_ctrl_c(process, log_path) == 0
        assert [pid for pgid in groups for pid in process_group_members(pgid)] == []
        assert worker not in worker_pids_answering(environment)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        stop_leftovers(groups)


@pytest.mark.xdist_group(MANIFEST_STATIC_FILES)
def test_run_stops_everything_when_a_child_dies(tmp_path, migrated_sqlite):
    """If the web server dies (here: its port is taken), the supervisor stops and reports it."""
    shutil.copyfile(migrated_sqlite, tmp_path / "run.sqlite3")
    port = free_port()
    environment = isolated_environment(tmp_path)
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        process, log_path = start_supervisor(environment=environment, port=port, tmp_path=tmp_path)
        try:
            assert process.wait(timeout=90) == 1
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    log = log_path.read_text()
    assert "[run] web exited with status" in log
    assert "[run] all stopped" in log


SHOPPERS = 40


def first_buyable_pack_page(base_url: str) -> str:
    """The address of a product page that offers an add-to-cart form."""
    _, listing = http_get(f"{base_url}/medicines/")
    for slug in dict.fromkeys(re.findall(r'href="/medicines/([\w-]+)/"', listing.decode())):
        page = f"{base_url}/medicines/{slug}/"
        if b'name="pack" value="' in http_get(page)[1]:
            return page
    raise AssertionError("no product page offers an add-to-cart form")


def shop_once(page: str, base_url: str, start: threading.Barrier) -> list[int]:
    """One shopper with their own cookies: open the page, then (with the others) add to cart and look."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(page, timeout=60) as response:
        html = response.read().decode()
    form = {
        "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1),
        "pack": re.search(r'name="pack" value="(\d+)"', html).group(1),
        "quantity": "1",
    }
    start.wait(timeout=60)
    statuses = []
    with opener.open(f"{base_url}/cart/add/", data=urllib.parse.urlencode(form).encode(), timeout=60) as response:
        response.read()
        statuses.append(response.status)
    with opener.open(f"{base_url}/cart/", timeout=60) as response:
        body = response.read()
        statuses.append(response.status)
    assert re.search(rb'action="/cart/lines/\d+/remove/"', body), "the added line is not in the cart"
    return statuses


@pytest.mark.xdist_group(MANIFEST_STATIC_FILES)
def test_run_on_sqlite_serves_the_site_to_forty_shoppers_at_once_and_stops_on_ctrl_c(tmp_path, migrated_sqlite):
    """gunicorn, not runserver: forty shoppers posting at once all get an answer, no reset connection. The
    database starts migrated (run.py's own migrate then has nothing to do: the PostgreSQL test below proves
    it migrates a new database)."""
    shutil.copyfile(migrated_sqlite, tmp_path / "run.sqlite3")
    port = free_port()
    environment = isolated_environment(tmp_path)
    process, log_path = start_supervisor(environment=environment, port=port, tmp_path=tmp_path)
    groups: list[int] = []
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for_http_ok(f"{base_url}/healthz", process=process, log_path=log_path)
        groups = child_pids(process.pid)

        # Without REDIS_URL, tasks run in-process: the web server (gunicorn) is the only child.
        assert [("gunicorn pharmacy.wsgi:application" in command_line(pid)) for pid in groups] == [True]
        assert http_get(f"{base_url}/healthz") == (200, b'{"status": "ok"}')
        assert http_get(f"{base_url}/admin/login/")[0] == 200
        status, body = http_get(f"{base_url}/api/v1/products/?search=baclofen")
        assert status == 200
        products = json.loads(body)["results"]
        assert any("baclofen" in json.dumps(product).lower() for product in products), products
        members_before = [pid for pgid in groups for pid in process_group_members(pgid)]
        assert len(members_before) >= 2  # gunicorn's arbiter and its workers
        assert http_get(f"{base_url}/static/css/site.css")[0] == 200  # WhiteNoise

        page = first_buyable_pack_page(base_url)
        start = threading.Barrier(SHOPPERS)
        with concurrent.futures.ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
            futures = [pool.submit(shop_once, page, base_url, start) for _ in range(SHOPPERS)]
            results = [future.result(timeout=180) for future in futures]
        assert results == [[200, 200]] * SHOPPERS

        assert press_ctrl_c(process, log_path) == 0
        assert [pid for pgid in groups for pid in process_group_members(pgid)] == []
        assert "[run] all stopped" in log_path.read_text()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        stop_leftovers(groups)


def load_run_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_script", ROOT / "scripts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_run_on_another_port_points_e_mail_links_at_that_port(monkeypatch):
    run = load_run_script()
    monkeypatch.setenv("SITE_URL", "recorded, so that monkeypatch restores the environment afterwards")
    monkeypatch.delenv("SITE_URL")

    run.configure_site_url(host="127.0.0.1", port=8090)

    assert run.child_environment()["SITE_URL"] == "http://127.0.0.1:8090"
    assert run.site_url(host="0.0.0.0", port=8000) == "http://127.0.0.1:8000"
    assert run.site_url(host="::1", port=8001) == "http://[::1]:8001"


def test_make_run_keeps_an_explicit_site_url(monkeypatch):
    run = load_run_script()
    monkeypatch.setenv("SITE_URL", "https://shop.example.org")

    run.configure_site_url(host="127.0.0.1", port=8090)

    assert run.child_environment()["SITE_URL"] == "https://shop.example.org"
