"""Bench-only settings: production settings plus bench/urls.py (the floor endpoint). Never deployed."""

from pharmacy.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
