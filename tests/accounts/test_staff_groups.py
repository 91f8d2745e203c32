"""The staff groups hold exactly the permissions declared in accounts.roles.GROUP_PERMISSIONS after
migrate, and ensure_staff_groups brings them back when they are lost."""

import pytest
from django.contrib.auth.models import Group

from accounts.roles import GROUP_PERMISSIONS, PHARMACISTS_GROUP, SUPERINTENDENTS_GROUP, ensure_staff_groups


def held(name: str) -> set[tuple[str, str]]:
    return set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))


@pytest.mark.django_db
def test_migrate_leaves_each_staff_group_with_exactly_its_declared_permissions():
    assert set(Group.objects.values_list("name", flat=True)) == set(GROUP_PERMISSIONS)
    for name, permissions in GROUP_PERMISSIONS.items():
        assert held(name) == set(permissions), name


@pytest.mark.django_db
def test_the_permissions_that_matter_are_where_they_belong():
    pharmacists, superintendents = held(PHARMACISTS_GROUP), held(SUPERINTENDENTS_GROUP)
    assert ("prescriptions", "review_prescription") in pharmacists
    assert ("orders", "change_order") in pharmacists
    assert ("catalog", "reclassify_product") in superintendents
    assert ("catalog", "reclassify_product") not in pharmacists
    assert ("catalog", "view_clinicalcoveragereview") in superintendents
    assert ("safeguards", "change_purchaselimit") in superintendents
    assert ("safeguards", "change_purchaselimit") not in pharmacists
    assert len(pharmacists) == 19 and len(superintendents) == 14


@pytest.mark.django_db
def test_ensure_staff_groups_restores_deleted_groups():
    Group.objects.filter(name__in=GROUP_PERMISSIONS).delete()
    ensure_staff_groups()
    for name, permissions in GROUP_PERMISSIONS.items():
        assert held(name) == set(permissions), name


@pytest.mark.django_db
def test_as_a_post_migrate_receiver_it_handles_the_sending_apps_permissions_only():
    from django.apps import apps

    Group.objects.filter(name__in=GROUP_PERMISSIONS).delete()
    ensure_staff_groups(sender=apps.get_app_config("safeguards"))
    assert held(PHARMACISTS_GROUP) == {p for p in GROUP_PERMISSIONS[PHARMACISTS_GROUP] if p[0] == "safeguards"}
