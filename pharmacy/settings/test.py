"""Test settings: fast hashing, mail kept in memory, throttles out of the way unless a test sets them."""

import os

from .base import *  # noqa: F401,F403
from .base import REST_FRAMEWORK, VAR_DIR
from .base import STORAGES as CONFIGURED_STORAGES

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# pytest-xdist runs the suite in several processes at once (PYTEST_XDIST_WORKER is gw0, gw1, …; the
# servers and commands a test starts inherit it): each keeps its files, and its development key, apart.
TEST_WORKER_SUFFIX = f"-{os.environ['PYTEST_XDIST_WORKER']}" if os.environ.get("PYTEST_XDIST_WORKER") else ""
MEDIA_ROOT = VAR_DIR / f"test-media{TEST_WORKER_SUFFIX}"
PRIVATE_MEDIA_ROOT = VAR_DIR / f"test-private{TEST_WORKER_SUFFIX}"
PRESCRIPTION_DEVELOPMENT_KEY_FILE = VAR_DIR / f"prescription-encryption-keys{TEST_WORKER_SUFFIX}"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}},
    "private": {
        "BACKEND": "pharmacy.storage.EncryptedPrivateFileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if CONFIGURED_STORAGES["private"]["BACKEND"] != "pharmacy.storage.EncryptedPrivateFileSystemStorage":
    # STORAGE_URL or S3_BUCKET is set: an object-store test (or a test process it starts) wants it.
    STORAGES.update(default=CONFIGURED_STORAGES["default"], private=CONFIGURED_STORAGES["private"])
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "anon": "100000/min",
        "user": "100000/min",
        "sign_in": "100000/min",
        "register": "100000/min",
        "upload": "100000/min",
        "checkout": "100000/min",
        "password_reset": "100000/min",
    },
}
SITE_URL = "http://testserver"
# Factories write rows without the catalog services that bump the cache version, so the suite reads
# uncached; tests/catalog/test_catalog_cache.py turns the cache on to prove each write path bumps it.
CATALOG_CACHE_ENABLED = False
# Likewise tests write limits and warning-sign rules directly; the tests that pin checkout's statements,
# and tests/safeguards/test_cached_tables.py, turn this cache on.
SAFEGUARDS_CACHE_ENABLED = False
# Orders go straight on in most tests; the payment tests turn payments on (tests/payments/conftest.py).
PAYMENTS_AT_CHECKOUT = False
PAYMENT_GATEWAY = "test"
