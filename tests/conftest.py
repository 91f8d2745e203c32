"""Shared fixtures, and the rule for tests that need a real service: they skip on a laptop without
it and fail under CI (CI=true), so a green CI run proves they ran."""

import importlib
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.roles import PHARMACISTS_GROUP, ensure_staff_groups
from catalog.models import ConsultationQuestion, ConsultationQuestionnaire
from pharmacy.celery import app as celery_app
from prescriptions.models import Prescription
from tests.builders.api import baclofen_packs

from .availability import redis_available, require
from .factories import PackFactory, PharmacistFactory, ProductFactory, UserFactory, sign_in_responsible_pharmacist
from .otp import verified_token, verify_session
from .server_fixtures import (  # noqa: F401  (real test servers, and their xdist groups)
    migrated_sqlite,
    postgres_cluster,
    private_redis,
    pytest_collection_modifyitems,
    s3_server,
    seeded_database,
    seeded_template,
    smtp_sink,
)


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        engine = settings.DATABASES["default"]["ENGINE"]
        require("postgresql" in engine, "needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis"):
        require(redis_available(), "needs Redis: set REDIS_URL=redis://… to a running server")
    if item.get_closest_marker("browser"):
        require(shutil.which("chromium") is not None or os.path.exists("/usr/bin/chromium"),
                "needs Chromium: apt-get install chromium")


@pytest.fixture(autouse=True)
def celery_eager():
    """Unit tests run tasks in-process. pytest-django's `settings` does not reach Celery's loaded
    config, so set it on the app; worker tests turn it off themselves."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def force_login_passes_the_second_factor(monkeypatch):
    """The admin (django-otp's OTPAdminSite) admits staff only with a TOTP-verified session. In tests,
    `client.force_login(staff)` stands for a whole sign-in, second factor included; the tests of the
    second factor itself sign in through the login form (tests/accounts/test_second_factor.py)."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if user.is_staff:
            verify_session(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def pharmacist(db):
    """A registered pharmacist (profile with a GPhC number), signed in as today's responsible pharmacist."""
    pharmacist = PharmacistFactory()
    sign_in_responsible_pharmacist(pharmacist)
    return pharmacist


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def shopper_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pharmacist_client(pharmacist):
    """Signed in with a token issued for password and TOTP code, as the pharmacist endpoints require."""
    client = APIClient()
    token, _ = verified_token(pharmacist)
    client.force_authenticate(pharmacist, token=token)
    return client


@pytest.fixture
def gsl_pack(db):
    """A general-sale pack: Testamol 10 mg tablets ×16 at £3.49, 100 in stock."""
    return PackFactory()


@pytest.fixture
def pom_pack(db):
    """A prescription-only pack: 84 tablets at £12.50, 50 in stock."""
    product = ProductFactory(name="Presolol tablets", slug="presolol-tablets", legal_category="prescription")
    return PackFactory(product=product, sku="PRES-10-84", pack_size=84, price_amount=Decimal("12.50"),
                       stock_quantity=50)


@pytest.fixture
def warning_rules(db):
    """The warning-sign rules on, as migration 0001 creates them (a transactional test run earlier in the
    same worker flushes those rows)."""
    from safeguards.models import WarningSignKind, WarningSignRule

    for kind in WarningSignKind.values:
        WarningSignRule.objects.update_or_create(kind=kind, defaults={"window_days": 90, "accounts": 2,
                                                                      "is_active": True})


@pytest.fixture
def safeguards_cache(settings):
    """The purchase-limit and warning-sign tables read from the cache, as in production (the suite reads
    them afresh: tests write those rows directly). A new version first: no entry of an earlier test."""
    from safeguards.tables import bump_safeguards_version

    settings.SAFEGUARDS_CACHE_ENABLED = True
    bump_safeguards_version()
    return settings


@pytest.fixture
def p_pack(db):
    """Co-codamol-like: a P medicine for 12 and over, with two questions (one yes/no, one text)."""
    product = ProductFactory(name="Codamol tablets", slug="codamol-tablets", legal_category="pharmacy",
                             minimum_age=12)
    questionnaire = ConsultationQuestionnaire.objects.create(name="Codeine")
    questionnaire.products.add(product)
    ConsultationQuestion.objects.create(questionnaire=questionnaire, position=0, answer_type="yes_no",
                                        text="Will you use it for at most 3 days?")
    ConsultationQuestion.objects.create(questionnaire=questionnaire, position=1, answer_type="text",
                                        text="Other medicines?")
    return PackFactory(product=product, sku="COD-32", price_amount=Decimal("4.00"), stock_quantity=10)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


# The API client generated from the live schema (openapi-python-client), for the tests that call the API as
# an outside program would.
PACKAGE = "pharmacy_api_client"


GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture
def generated(live_server, tmp_path, monkeypatch):
    """Generate the client from the live schema into tmp_path and import it (never committed)."""
    schema = tmp_path / "schema.json"
    schema.write_bytes(httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=30).content)
    config = tmp_path / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatter run: the code is imported, not read
    subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(tmp_path / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    for module in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
        del sys.modules[module]


# Every test starts with an empty cache: throttle counters live there.
@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def private_files(monkeypatch, tmp_path):
    """Prescription files go to a directory of this test's own, so it can assert what was stored.
    (The field's storage is built once, at import, so it is pointed elsewhere rather than reconfigured.)"""
    root = tmp_path / "private"
    storage = Prescription._meta.get_field("file").storage
    monkeypatch.setattr(storage, "base_location", str(root))
    monkeypatch.setattr(storage, "location", str(root))
    return root


@pytest.fixture
def baclofen(db):
    return baclofen_packs()


@pytest.fixture
def other_client(other_user):
    client = APIClient()
    client.force_authenticate(other_user)
    return client


@pytest.fixture
def staff_client(db):
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True))
    return client


@pytest.fixture
def superuser_client(db):
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def pharmacists_group(transactional_db):
    """A transactional test's flush deletes the staff groups; put them back (accounts.roles declares their
    permissions) for tests against a live server."""
    ensure_staff_groups()
    return Group.objects.get(name=PHARMACISTS_GROUP)
