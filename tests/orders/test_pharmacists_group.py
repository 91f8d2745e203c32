import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.exceptions import PermissionRefused
from accounts.membership import set_pharmacists_membership
from accounts.models import PharmacistsMembershipChange
from accounts.roles import PHARMACISTS_GROUP
from tests.factories import PharmacistFactory, UserFactory

# --- Who may make someone a pharmacist: only a superuser or a holder of
# accounts.manage_pharmacists, through the service, and every change is audited. -----------------------

def user_admin_post(client, user, *, groups):
    """The user admin's change form as a browser submits it, with these groups."""
    data = {
        "email": user.email, "full_name": user.full_name, "is_active": "on", "is_staff": "on" if user.is_staff else "",
        "groups": [group.pk for group in groups], "user_permissions": [],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"), "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "_save": "Save",
    }
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), {k: v for k, v in data.items() if v})


def user_manager(*extra_codenames):
    """Staff who may view and change users (the ordinary 'manage accounts' job), nothing more."""
    manager = UserFactory(is_staff=True)
    codenames = ["view_user", "change_user", *extra_codenames]
    manager.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return manager


@pytest.fixture
def pharmacists():
    return Group.objects.get(name=PHARMACISTS_GROUP)


@pytest.mark.django_db
def test_a_user_manager_without_the_permission_cannot_add_someone_to_the_pharmacists_group(client, pharmacists):
    candidate = UserFactory(is_staff=True)
    client.force_login(user_manager())

    response = user_admin_post(client, candidate, groups=[pharmacists])

    assert response.status_code == 200  # the form again, with the reason
    assert "Only a superuser" in response.content.decode()
    assert not candidate.groups.filter(pk=pharmacists.pk).exists()
    assert not PharmacistsMembershipChange.objects.exists()


@pytest.mark.django_db
def test_a_user_manager_without_the_permission_cannot_remove_a_pharmacist(client, pharmacists):
    pharmacist = PharmacistFactory()
    client.force_login(user_manager())

    user_admin_post(client, pharmacist, groups=[])

    assert pharmacist.groups.filter(pk=pharmacists.pk).exists()
    assert not PharmacistsMembershipChange.objects.exists()


@pytest.mark.django_db
def test_a_superuser_adds_someone_to_the_pharmacists_group_and_it_is_audited(client, pharmacists):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    candidate = UserFactory(is_staff=True)
    client.force_login(superuser)

    response = user_admin_post(client, candidate, groups=[pharmacists])

    assert response.status_code == 302
    assert candidate.groups.filter(pk=pharmacists.pk).exists()
    change = PharmacistsMembershipChange.objects.get()
    assert (change.user, change.actor, change.action) == (candidate, superuser, "added")


@pytest.mark.django_db
def test_a_holder_of_manage_pharmacists_removes_a_pharmacist_and_it_is_audited(client, pharmacists):
    manager = user_manager("manage_pharmacists")
    pharmacist = PharmacistFactory()
    other = Group.objects.create(name="Dispensary")
    client.force_login(manager)

    response = user_admin_post(client, pharmacist, groups=[other])

    assert response.status_code == 302
    assert list(pharmacist.groups.all()) == [other]  # other groups are saved as usual
    change = PharmacistsMembershipChange.objects.get()
    assert (change.user, change.actor, change.action) == (pharmacist, manager, "removed")


@pytest.mark.django_db
def test_other_group_changes_need_no_special_permission_and_are_not_audited(client, pharmacists):
    other = Group.objects.create(name="Dispensary")
    candidate = UserFactory(is_staff=True)
    client.force_login(user_manager())

    assert user_admin_post(client, candidate, groups=[other]).status_code == 302

    assert list(candidate.groups.all()) == [other]
    assert not PharmacistsMembershipChange.objects.exists()


@pytest.mark.django_db
def test_the_membership_service_refuses_staff_without_the_permission(pharmacists):
    candidate = UserFactory(is_staff=True)

    with pytest.raises(PermissionRefused):
        set_pharmacists_membership(actor=user_manager(), user=candidate, member=True)

    assert not candidate.groups.filter(pk=pharmacists.pk).exists()
    assert not PharmacistsMembershipChange.objects.exists()


@pytest.mark.django_db
def test_the_audit_trail_is_read_only_in_the_admin(client, pharmacists):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    set_pharmacists_membership(actor=superuser, user=UserFactory(is_staff=True), member=True)
    change = PharmacistsMembershipChange.objects.get()
    client.force_login(superuser)

    page = client.get(reverse("admin:accounts_pharmacistsmembershipchange_change", args=[change.pk]))
    deleted = client.post(reverse("admin:accounts_pharmacistsmembershipchange_delete", args=[change.pk]),
                          {"post": "yes"})

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert deleted.status_code == 403
    assert PharmacistsMembershipChange.objects.count() == 1
