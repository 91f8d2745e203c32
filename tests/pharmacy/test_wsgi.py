"""The WSGI entry point that gunicorn serves (pharmacy.wsgi:application)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import gc, sys; import pharmacy.wsgi; "
    "print(gc.get_freeze_count() > 10_000, 'catalog.api.views' in sys.modules)"
)


def test_a_worker_loads_its_views_and_freezes_them_out_of_the_garbage_collectors_way():
    # A fresh interpreter, as a gunicorn worker is: full collections must not walk what lives as long
    # as the process (each such walk paused a request for about 90 ms).
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "pharmacy.settings.test"}
    probe = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True,
                           text=True, timeout=120)

    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["True", "True"]
