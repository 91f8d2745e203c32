import pytest
from django.contrib.auth.models import Group

from orders.models import PHARMACISTS_GROUP
from orders.pharmacists import PHARMACIST_PERMISSIONS, ensure_pharmacists_group


@pytest.mark.django_db
def test_migrations_leave_the_pharmacists_group_with_every_permission_it_needs():
    group = Group.objects.get(name=PHARMACISTS_GROUP)
    held = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert held == set(PHARMACIST_PERMISSIONS)


@pytest.mark.django_db
def test_ensure_pharmacists_group_restores_a_deleted_group():
    Group.objects.filter(name=PHARMACISTS_GROUP).delete()
    group = ensure_pharmacists_group()
    assert group.permissions.count() == len(PHARMACIST_PERMISSIONS)
