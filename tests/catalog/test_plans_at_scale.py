"""At 100,000 packs PostgreSQL still reaches every row of the product list, the searches, suggest and the
GTIN lookup through an index: no statement of theirs reads one of the catalog's big tables in full, so
none of them grows with the catalog (issue 20). bench/explain_catalog.py asks for the plans, on a
catalog bench/generate_catalog.py writes next to the demo catalog, in a copy of the migrated test database."""

import json
import os
import subprocess
import sys
import urllib.parse
import uuid
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("catalog-plans")]

ROOT = Path(__file__).resolve().parents[2]
PACKS = 100_000
# Every read bench/explain_catalog.py requests but one: the in-stock filter sums the stock of each pack of
# every product it may show, which no index answers (docs/benchmark.md).
NOT_CHECKED = {"list in stock"}


def run(script: str, *arguments: str, database_url: str, exit_codes=(0,)) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "pharmacy.settings.test"}
    result = subprocess.run([sys.executable, *script.split(), *arguments], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode in exit_codes, result.stderr[-3000:]
    return result


@pytest.fixture
def catalog_at_scale(django_db_setup, django_db_blocker):
    """The URL of a database holding the demo catalog and a generated 100,000-pack one, dropped afterwards.
    It is a copy of this process's migrated test database (CREATE DATABASE … TEMPLATE, about a second),
    migrated afresh only if PostgreSQL refuses the copy; the test database itself is only read."""
    name = f"catalog_plans_{uuid.uuid4().hex[:8]}"
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    with django_db_blocker.unblock():
        source = connection.settings_dict["NAME"]
        # pytest-django sets the test database up only when the session holds a database test: run alone,
        # this test would find DATABASE_URL's own database here, which it must neither copy nor read.
        copied = source == connection.creation._get_test_db_name()
        connections.close_all()  # PostgreSQL copies only a database nobody is connected to
        try:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{source}"' if copied else ""))
        except OperationalError:  # another session is connected to it: migrate a new one instead
            copied = False
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        if not copied:
            run("manage.py migrate --noinput -v0", database_url=url)
        run("manage.py load_demo_catalog", database_url=url)  # as the bench does: its searches find these
        run(f"bench/generate_catalog.py --packs {PACKS} --no-progress", database_url=url)
        yield url
    finally:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_lists_searches_suggest_and_gtin_lookup_read_no_big_table_in_full_at_100000_packs(catalog_at_scale):
    # explain_catalog exits 1 when a statement scans a big table in full: the report says which.
    report = json.loads(run("bench/explain_catalog.py --json", database_url=catalog_at_scale, exit_codes=(0, 1)).stdout)
    checked = {label: entry for label, entry in report["paths"].items() if label not in NOT_CHECKED}

    assert report["packs"] >= PACKS
    assert {"list", "storefront list", "search hay fever", "suggest bac", "suggest lora", "gtin"} <= checked.keys()
    assert all(entry["statements"] for entry in checked.values())
    assert {label: tables for label, tables in report["seq_scans"].items() if label in checked} == {}
    # "hay fever" matches hundreds of products: its page and its count come from one statement that reaches
    # them through the search indexes and the index of active products, never the product rows.
    ranked = checked["search hay fever"]["statements"][0]
    assert ["Index Only Scan", "catalog_product", "catalog_product_active_idx"] in ranked["scans"]
    assert "OVER ()" in ranked["sql"]
    # The list counts the active products from an index of their flag (catalog 0003).
    counts = [s for s in checked["list"]["statements"] if s["sql"].startswith("SELECT COUNT(*)")]
    assert [s["scans"] for s in counts] == [[["Index Only Scan", "catalog_product", "catalog_product_count_idx"]]]
