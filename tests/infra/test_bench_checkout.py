"""bench/bench_checkout.py still runs end to end (a few orders; timings are printed, never asserted)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from .support import ROOT


@pytest.mark.postgres
def test_checkout_benchmark_places_every_order_in_both_scenarios():
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    result = subprocess.run(
        [sys.executable, "bench/bench_checkout.py", "--orders", "6", "--threads", "2"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "spread       6 orders" in result.stdout
    assert "hot          6 orders" in result.stdout
