"""The guarded roles: superuser status and user permissions change only by a superuser; Superintendent
pharmacists membership and a pharmacist profile (its user, registration number, superintendent flag) only
by a superuser or a holder of accounts.manage_pharmacists. The admin shows them read-only to anyone else,
permitted changes go through the services, and each is recorded in accounts.RoleChange."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.exceptions import PermissionRefused
from accounts.models import RoleChange
from accounts.roles import SUPERINTENDENTS_GROUP, set_superintendents_membership, set_superuser, set_user_permissions
from dispensing.models import PharmacistProfile
from dispensing.services import save_pharmacist_profile
from tests.factories import PharmacistFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superintendents():
    return Group.objects.get(name=SUPERINTENDENTS_GROUP)


@pytest.fixture
def reclassify():
    return Permission.objects.get(content_type__app_label="catalog", codename="reclassify_product")


def staff_with(*codenames):
    member = UserFactory(is_staff=True)
    member.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return member


def user_manager(*extra):
    """Staff whose job is managing accounts: they may view and change users, and nothing about roles."""
    return staff_with("view_user", "change_user", *extra)


def post_user(client, user, *, groups=None, is_superuser=False, permissions=()):
    """The user admin's change form as a browser submits it."""
    data = {
        "email": user.email, "full_name": user.full_name, "is_active": "on", "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if is_superuser else "",
        "groups": [g.pk for g in (user.groups.all() if groups is None else groups)],
        "user_permissions": [p.pk for p in permissions],
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"), "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "_save": "Save",
    }
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), {k: v for k, v in data.items() if v})


def post_profile(client, profile, **changes):
    data = {"user": profile.user_id, "registration_number": profile.registration_number,
            "is_superintendent": "on" if profile.is_superintendent else "", **changes}
    url = reverse("admin:dispensing_pharmacistprofile_change", args=[profile.pk])
    return client.post(url, {k: v for k, v in data.items() if v})


# --- Refused ---------------------------------------------------------------------------------------------

def test_a_user_manager_cannot_join_the_superintendents_through_the_admin(client, superintendents):
    manager = user_manager()
    client.force_login(manager)

    response = post_user(client, manager, groups=[superintendents])

    assert response.status_code == 200  # the form again, with the reason
    assert "Only a superuser" in response.content.decode()
    assert not manager.groups.filter(pk=superintendents.pk).exists()
    assert not RoleChange.objects.exists()


def test_a_user_manager_sees_superuser_status_and_permissions_read_only_and_cannot_grant_them(client, reclassify):
    manager = user_manager("manage_pharmacists")  # may manage pharmacists, is not a superuser
    candidate = UserFactory(is_staff=True)
    client.force_login(manager)

    page = client.get(reverse("admin:accounts_user_change", args=[candidate.pk]))
    assert page.status_code == 200
    page = page.content.decode()
    for someone in (candidate, manager):
        response = post_user(client, someone, is_superuser=True, permissions=[reclassify])
        assert response.status_code == 302

    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    for someone in (candidate, manager):
        someone.refresh_from_db()
        assert not someone.is_superuser
        assert not someone.user_permissions.filter(pk=reclassify.pk).exists()
    assert not RoleChange.objects.exists()


def test_staff_who_may_change_profiles_cannot_change_a_registration_number_through_the_admin(client):
    profile = PharmacistFactory().pharmacist_profile
    number = profile.registration_number
    editor = staff_with("view_pharmacistprofile", "change_pharmacistprofile", "add_pharmacistprofile")
    client.force_login(editor)

    page = client.get(reverse("admin:dispensing_pharmacistprofile_change", args=[profile.pk]))
    assert page.status_code == 200
    page = page.content.decode()
    post_profile(client, profile, registration_number="2099999", is_superintendent="on")
    added = client.post(reverse("admin:dispensing_pharmacistprofile_add"),
                        {"user": editor.pk, "registration_number": "2088888"})

    assert 'name="registration_number"' not in page
    profile.refresh_from_db()
    assert (profile.registration_number, profile.is_superintendent) == (number, False)
    assert added.status_code == 403
    assert not PharmacistProfile.objects.filter(user=editor).exists()
    assert not RoleChange.objects.exists()


def test_the_services_refuse_whoever_may_not_change_the_role(superintendents, reclassify):
    plain_staff = UserFactory(is_staff=True)
    pharmacist_manager = user_manager("manage_pharmacists")
    profile = PharmacistFactory().pharmacist_profile
    number = profile.registration_number

    with pytest.raises(PermissionRefused):
        set_superintendents_membership(actor=plain_staff, user=plain_staff, member=True)
    with pytest.raises(PermissionRefused):
        set_superuser(actor=pharmacist_manager, user=pharmacist_manager, is_superuser=True)
    with pytest.raises(PermissionRefused):
        set_user_permissions(actor=pharmacist_manager, user=pharmacist_manager, permissions=[reclassify])
    profile.registration_number = "2099999"
    with pytest.raises(PermissionRefused):
        save_pharmacist_profile(actor=plain_staff, profile=profile)

    profile.refresh_from_db()
    pharmacist_manager.refresh_from_db()
    assert profile.registration_number == number
    assert not pharmacist_manager.is_superuser and not pharmacist_manager.user_permissions.filter(pk=reclassify.pk)
    assert not plain_staff.groups.filter(pk=superintendents.pk).exists()
    assert not RoleChange.objects.exists()


# --- Permitted, and audited ------------------------------------------------------------------------------

def test_a_superuser_grants_superuser_status_and_permissions_through_the_admin_and_both_are_audited(
    client, reclassify
):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    candidate = UserFactory(is_staff=True)
    client.force_login(superuser)

    response = post_user(client, candidate, is_superuser=True, permissions=[reclassify])

    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.is_superuser
    assert list(candidate.user_permissions.all()) == [reclassify]
    changes = {change.role: change for change in RoleChange.objects.all()}
    assert set(changes) == {RoleChange.Role.SUPERUSER, RoleChange.Role.PERMISSIONS}
    assert all((c.user, c.actor) == (candidate, superuser) for c in changes.values())
    assert (changes["superuser"].old_value, changes["superuser"].new_value) == ("False", "True")
    assert (changes["permissions"].old_value, changes["permissions"].new_value) == ("", "catalog.reclassify_product")


def test_a_holder_of_manage_pharmacists_makes_a_superintendent_and_changes_a_registration_number_audited(
    client, superintendents
):
    manager = user_manager("manage_pharmacists", "view_pharmacistprofile", "change_pharmacistprofile")
    pharmacist = PharmacistFactory()
    profile = pharmacist.pharmacist_profile
    old_number = profile.registration_number
    client.force_login(manager)

    joined = post_user(client, pharmacist, groups=[*pharmacist.groups.all(), superintendents])
    renumbered = post_profile(client, profile, registration_number="2099999")

    assert joined.status_code == 302 and renumbered.status_code == 302
    assert pharmacist.groups.filter(pk=superintendents.pk).exists()
    profile.refresh_from_db()
    assert profile.registration_number == "2099999"
    audited = list(RoleChange.objects.order_by("pk").values_list("role", "user", "actor", "old_value", "new_value"))
    assert audited == [
        (RoleChange.Role.SUPERINTENDENTS_GROUP, pharmacist.pk, manager.pk, "False", "True"),
        (RoleChange.Role.REGISTRATION_NUMBER, pharmacist.pk, manager.pk, old_number, "2099999"),
    ]


def test_creating_a_superintendent_profile_is_audited_and_joins_the_group(admin_client, superintendents):
    user = UserFactory(is_staff=True)

    admin_client.post(reverse("admin:dispensing_pharmacistprofile_add"),
                      {"user": user.pk, "registration_number": "2071234", "is_superintendent": "on"})

    assert user.groups.filter(pk=superintendents.pk).exists()
    assert sorted(RoleChange.objects.filter(user=user).values_list("role", "new_value")) == sorted([
        (RoleChange.Role.PROFILE_USER, f"{user} (#{user.pk})"),
        (RoleChange.Role.REGISTRATION_NUMBER, "2071234"),
        (RoleChange.Role.SUPERINTENDENT, "True"),
        (RoleChange.Role.SUPERINTENDENTS_GROUP, "True"),
    ])


def test_re_pointing_a_superintendents_profile_moves_the_group_membership_and_is_audited(superintendents):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    first, second = PharmacistFactory(), UserFactory(is_staff=True)
    profile = first.pharmacist_profile
    profile.is_superintendent = True
    save_pharmacist_profile(actor=superuser, profile=profile)

    profile.user = second
    save_pharmacist_profile(actor=superuser, profile=profile)

    assert not first.groups.filter(pk=superintendents.pk).exists()
    assert second.groups.filter(pk=superintendents.pk).exists()
    moved = RoleChange.objects.get(role=RoleChange.Role.PROFILE_USER)
    assert (moved.user, moved.old_value, moved.actor) == (second, f"{first} (#{first.pk})", superuser)


def test_the_role_audit_is_append_only_and_read_only_in_the_admin(admin_client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    change = set_superuser(actor=superuser, user=UserFactory(), is_superuser=True)

    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        RoleChange.objects.all().delete()
    assert admin_client.get(reverse("admin:accounts_rolechange_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:accounts_rolechange_add")).status_code == 403


def test_staff_who_may_change_groups_cannot_give_a_group_permissions(client):
    group = Group.objects.create(name="Dispensary")
    manage = Permission.objects.get(codename="manage_pharmacists")
    editor = staff_with("view_group", "change_group")
    editor.groups.add(group)
    client.force_login(editor)

    response = client.post(reverse("admin:auth_group_change", args=[group.pk]),
                           {"name": "Dispensary team", "permissions": [manage.pk]})

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Dispensary team"  # the name is theirs to change
    assert not group.permissions.exists()
    assert not editor.has_perm("accounts.manage_pharmacists")
