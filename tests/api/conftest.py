import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from rest_framework.test import APIClient

from orders.models import Prescription
from tests.builders.api import baclofen_packs
from tests.factories import UserFactory


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
    """The Pharmacists group comes from a data migration, and a transactional test's flush deletes it;
    put it back (with the migration's own permission list) for tests against a live server."""
    migration = importlib.import_module("orders.migrations.0002_pharmacists_group")
    group, _ = Group.objects.get_or_create(name=migration.GROUP)
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in migration.PERMISSIONS
        )
    )
    return group
