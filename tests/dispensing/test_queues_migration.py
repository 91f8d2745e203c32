"""The migrations that move the admin's review, dispatch and cannot-supply queues (proxies of Order)
from orders to dispensing: their content types are re-labelled, not replaced, so a group's permission
on a queue, and the admin history pointing at it, stay attached."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE = [("dispensing", "0001_initial"), ("orders", "0019_undecided_lines_back_to_review")]
AFTER = [("dispensing", "0002_queues_from_orders")]
QUEUES = ("orderawaitingreview", "ordercannotsupply", "orderawaitingdispatch")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_a_groups_queue_permissions_follow_the_queues_to_dispensing():
    apps = migrate(BEFORE)
    try:
        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        Group = apps.get_model("auth", "Group")
        ContentType.objects.filter(app_label="dispensing", model__in=QUEUES).delete()
        group = Group.objects.create(name="Queue readers")
        before = {}
        for model in QUEUES:
            content_type, _ = ContentType.objects.get_or_create(app_label="orders", model=model)
            permission, _ = Permission.objects.get_or_create(content_type=content_type, codename=f"view_{model}",
                                                             defaults={"name": f"Can view {model}"})
            group.permissions.add(permission)
            before[model] = (content_type.pk, permission.pk)

        apps = migrate(AFTER)

        ContentType = apps.get_model("contenttypes", "ContentType")
        Group = apps.get_model("auth", "Group")
        held = {(p.content_type.app_label, p.codename): p.pk
                for p in Group.objects.get(name="Queue readers").permissions.select_related("content_type")}
        for model, (content_type_id, permission_id) in before.items():
            assert ContentType.objects.get(pk=content_type_id).app_label == "dispensing"
            assert held[("dispensing", f"view_{model}")] == permission_id
        assert not ContentType.objects.filter(app_label="orders", model__in=QUEUES).exists()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
