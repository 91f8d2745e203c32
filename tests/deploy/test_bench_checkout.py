"""bench/bench_checkout.py still runs end to end (timings are printed, never asserted). The smallest run
that still proves it: two threads, one order each, in both scenarios, so the hot pack is contended."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connections

from .support import ROOT

ORDERS = 2


@pytest.mark.postgres
def test_checkout_benchmark_places_every_order_in_both_scenarios():
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    # The harness copies this process's test database, already migrated, which needs it to hold no session.
    connections.close_all()
    result = subprocess.run(
        [sys.executable, "bench/bench_checkout.py", "--orders", str(ORDERS), "--threads", "2", "--copy-migrated"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"spread   {ORDERS:5d} orders" in result.stdout
    assert f"hot      {ORDERS:5d} orders" in result.stdout
