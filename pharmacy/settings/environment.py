"""The environment reader, the project's paths and the secret key, which the settings modules share."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Insecure on purpose so `make run` works with no configuration; production.py refuses it.
DEFAULT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
