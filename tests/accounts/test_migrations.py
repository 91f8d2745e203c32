"""Accounts that existed before e-mail verification count as verified (data migration accounts 0002)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial")]
AFTER = [("accounts", "0002_user_email_verified_at")]


@pytest.mark.postgres
@pytest.mark.django_db
def test_existing_accounts_are_marked_verified_by_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldUser = old_apps.get_model("accounts", "User")  # noqa: N806 - a model class
    old = OldUser.objects.create(email="old@example.org", password="!")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    new_apps = executor.loader.project_state(AFTER).apps
    migrated = new_apps.get_model("accounts", "User").objects.get(pk=old.pk)
    assert migrated.email_verified_at == migrated.date_joined
