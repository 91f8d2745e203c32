"""pharmacy/settings/production.py refuses unsafe settings at start-up, and passes Django's deploy checks
with the values docker-compose.yml gives it. The refusals are checked by executing the settings modules in
this process, as a function of the environment; one case of each outcome also starts a fresh interpreter,
as a server process would."""

import base64
import importlib
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from catalog.models import Pack

from .support import ROOT, environment_without

GOOD_VALUES = {
    "DJANGO_SETTINGS_MODULE": "pharmacy.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "pharmacy.example",
    "DEBUG": "false",
    # Loading the settings connects to none of these.
    "DATABASE_URL": "postgres://pharmacy@127.0.0.1:5432/pharmacy",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:1025",
    "PRESCRIPTION_ENCRYPTION_KEYS": "prod1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    "STRIPE_SECRET_KEY": "sk_test_" + secrets.token_hex(12),
    "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(12),
}
# Variables of this machine that would change what production settings see.
UNSET = {"CELERY_BROKER_URL": None, "CELERY_TASK_ALWAYS_EAGER": None,
         "ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION": None, "PAYMENT_GATEWAY": None,
         "ALLOW_TEST_PAYMENTS_IN_PRODUCTION": None}
LOAD_SETTINGS = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
REFUSING = "Refusing to start in production: "
REFUSAL = "django.core.exceptions.ImproperlyConfigured: " + REFUSING
SETTINGS_MODULES = "pharmacy.settings."


def load_production_settings(**changes: str | None) -> subprocess.CompletedProcess:
    """Start Django with GOOD_VALUES, where a change of None removes the variable."""
    values = {**GOOD_VALUES, **UNSET, **changes}
    present = {name: value for name, value in values.items() if value is not None}
    environment = environment_without(*values, **present)
    return subprocess.run([sys.executable, "-c", LOAD_SETTINGS], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def production_refusal(monkeypatch):
    """Execute production.py and the modules it reads, in this process, with GOOD_VALUES and `changes` (None
    removes a variable) in the environment: the refusal's message, or None when the settings load. Django's
    own settings stay the test settings: the modules are loaded aside and the test's copies put back."""

    def refusal(**changes: str | None) -> str | None:
        values = {**GOOD_VALUES, **UNSET, **changes}
        values.pop("DJANGO_SETTINGS_MODULE")
        for name, value in values.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        loaded = {name: module for name, module in sys.modules.items() if name.startswith(SETTINGS_MODULES)}
        package = sys.modules["pharmacy.settings"]
        for name in loaded:
            del sys.modules[name]
        try:
            importlib.import_module("pharmacy.settings.production")
        except ImproperlyConfigured as error:
            return str(error)
        finally:
            for name in [name for name in sys.modules if name.startswith(SETTINGS_MODULES)]:
                del sys.modules[name]
            sys.modules.update(loaded)
            for name, module in loaded.items():
                setattr(package, name.removeprefix(SETTINGS_MODULES), module)
        return None

    return refusal


def test_production_settings_start_with_good_values():
    result = load_production_settings()

    assert (result.returncode, result.stdout) == (0, "False\n"), result.stderr


def test_production_settings_load_in_process_with_good_values(production_refusal):
    assert production_refusal() is None


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off."),
        ({"SECRET_KEY": None}, "SECRET_KEY must be set to a random value of at least 32 characters."),
        ({"SECRET_KEY": "insecure-development-key-do-not-use-in-production"},
         "SECRET_KEY must be set to a random value of at least 32 characters."),
        ({"SECRET_KEY": "x" * 31}, "SECRET_KEY must be set to a random value of at least 32 characters."),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must name the hosts this site is served on."),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name the hosts this site is served on."),
        ({"PRESCRIPTION_ENCRYPTION_KEYS": None},
         "PRESCRIPTION_ENCRYPTION_KEYS must hold the key that encrypts prescriptions."),
        ({"PRESCRIPTION_ENCRYPTION_KEYS": "prod1:c2hvcnQ="},
         "PRESCRIPTION_ENCRYPTION_KEYS: key 'prod1' must be 32 bytes (AES-256)."),
        ({"STRIPE_SECRET_KEY": None},
         "the built-in test payment gateway takes no money: set PAYMENT_GATEWAY=stripe and STRIPE_SECRET_KEY "
         "(or ALLOW_TEST_PAYMENTS_IN_PRODUCTION=true)."),
        ({"STRIPE_WEBHOOK_SECRET": None}, "STRIPE_WEBHOOK_SECRET must be set to verify Stripe's webhooks."),
    ],
    ids=["debug-on", "no-secret-key", "development-secret-key", "short-secret-key", "no-allowed-hosts",
         "empty-allowed-hosts", "no-prescription-key", "short-prescription-key", "test-payment-gateway",
         "no-webhook-secret"],
)
def test_production_settings_refuse_to_start(production_refusal, changes, problem):
    assert production_refusal(**changes) == REFUSING + problem


def test_production_settings_report_every_problem_at_once():
    """The one refusal that starts an interpreter: the process exits 1, says why, and prints nothing else."""
    result = load_production_settings(DEBUG="true", SECRET_KEY=None, ALLOWED_HOSTS=None)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.rstrip().endswith(
        REFUSAL + "DEBUG must be off; SECRET_KEY must be set to a random value of at least 32 characters; "
        "ALLOWED_HOSTS must name the hosts this site is served on."
    )


# HSTS for every subdomain, and the browsers' preload list, commit the whole domain to HTTPS for
# months: a decision for whoever owns the domain, not a default of this project.
ACCEPTED_DEPLOY_WARNINGS = {"security.W005", "security.W021"}


def run_deploy_checks() -> subprocess.CompletedProcess:
    """`manage.py check --deploy` with production settings, against the test database (committed rows)."""
    database = connection.settings_dict
    database_url = (f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
                    f"{database['PORT'] or 5432}/{database['NAME']}")
    values = {**GOOD_VALUES, "DATABASE_URL": database_url}
    environment = environment_without(*values, *UNSET, **values)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


# The test settings' fast MD5 hasher is unknown to production, which could then check no password.
PRODUCTION_PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_production_settings_pass_the_deploy_checks():
    result = run_deploy_checks()

    assert result.returncode == 0, result.stderr
    reported = set(re.findall(r"\((\w+\.[EW]\d+)\)", result.stderr + result.stdout))
    assert reported <= ACCEPTED_DEPLOY_WARNINGS, result.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deploy_checks_fail_while_a_demo_login_has_its_published_password(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS
    get_user_model().objects.create_user(email="pharmacist@pharmacy.invalid", password="demo-pharmacist-password")

    result = run_deploy_checks()

    assert result.returncode == 1
    assert "(pharmacy.E001) The demo login pharmacist@pharmacy.invalid exists with its published password." \
        in result.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deploy_checks_pass_once_the_demo_login_has_another_password(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_PASSWORD_HASHERS
    get_user_model().objects.create_user(email="pharmacist@pharmacy.invalid", password=secrets.token_urlsafe())

    result = run_deploy_checks()

    assert result.returncode == 0, result.stderr
    assert "pharmacy.E001" not in result.stderr


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"DATABASE_URL": None}, "DATABASE_URL must point at PostgreSQL, not SQLite"),
        ({"DATABASE_URL": "sqlite:////tmp/pharmacy.sqlite3"}, "DATABASE_URL must point at PostgreSQL, not SQLite"),
        ({"REDIS_URL": None},
         "Celery tasks must go to a broker (set REDIS_URL), not run in-process (or set "
         "ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION=true); the cache must be shared (set REDIS_URL), not in-process"),
        ({"CELERY_TASK_ALWAYS_EAGER": "true"},
         "Celery tasks must go to a broker (set REDIS_URL), not run in-process"),
        ({"EMAIL_URL": None}, "EMAIL_URL must name a mail server, not files or the console"),
        ({"EMAIL_URL": "consolemail://"}, "EMAIL_URL must name a mail server, not files or the console"),
    ],
    ids=["no-database-url", "sqlite", "no-redis", "eager-celery", "file-email", "console-email"],
)
def test_production_settings_refuse_embedded_services(production_refusal, changes, problem):
    refusal = production_refusal(**changes)

    assert refusal.startswith(REFUSING)
    assert problem in refusal
    assert refusal.endswith("(or set ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION=true).")


def test_production_settings_start_on_embedded_services_with_the_explicit_override(production_refusal):
    assert production_refusal(DATABASE_URL=None, REDIS_URL=None, EMAIL_URL=None,
                              ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION="true") is None


def test_load_demo_catalog_creates_no_demo_login_under_production_settings(tmp_path, migrated_sqlite):
    database = tmp_path / "demo.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    environment = environment_without(
        *GOOD_VALUES, *UNSET, **{**GOOD_VALUES, "DATABASE_URL": f"sqlite:///{database}",
                                 "ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION": "true"},
    )
    result = subprocess.run([sys.executable, "manage.py", "load_demo_catalog"], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as loaded:
        (users,) = loaded.execute(f'SELECT count(*) FROM "{get_user_model()._meta.db_table}"').fetchone()
        (packs,) = loaded.execute(f'SELECT count(*) FROM "{Pack._meta.db_table}"').fetchone()

    assert "Demo logins not created: DEMO_LOGINS_ALLOWED is off" in result.stdout
    assert "demo-admin-password" not in result.stdout
    assert users == 0
    assert packs > 0  # the catalog itself was loaded


def test_web_start_script_refuses_to_serve_while_a_demo_login_has_its_published_password(tmp_path, migrated_sqlite):
    # Its own keys, database and STATIC_ROOT: it shares nothing under var/, so it needs no xdist_group.
    database = tmp_path / "web.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    values = {**GOOD_VALUES, "DATABASE_URL": f"sqlite:///{database}",
              "ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION": "true", "LOAD_DEMO_CATALOG": "false",
              "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
              "BIND": "127.0.0.1:1", "STATIC_ROOT": str(tmp_path / "static")}
    environment = environment_without(*values, *UNSET, **values)
    create_demo_admin = ("from django.contrib.auth import get_user_model as m; "
                         "m().objects.create_user(email='admin@pharmacy.invalid', password='demo-admin-password')")
    prepared = subprocess.run([sys.executable, "manage.py", "shell", "-c", create_demo_admin], cwd=ROOT,
                              env=environment, capture_output=True, text=True, timeout=300)
    assert prepared.returncode == 0, prepared.stderr

    result = subprocess.run([str(ROOT / "scripts" / "start-web.sh")], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=300)

    assert result.returncode == 1
    assert "(pharmacy.E001) The demo login admin@pharmacy.invalid exists with its published password." \
        in result.stderr
    assert "gunicorn" not in (result.stdout + result.stderr).lower()
