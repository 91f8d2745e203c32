"""The staff roles: the groups and the permissions each holds (declared once, in GROUP_PERMISSIONS),
who is a pharmacist, and the guarded roles: what makes someone able to do more than their job. Superuser status and user
permissions change only by a superuser; membership of the Superintendent pharmacists group (which may
reclassify medicines) only by a superuser or a holder of `accounts.manage_pharmacists`, as for the
Pharmacists group (accounts.membership). Every change is recorded in RoleChange.

The user admin calls these and shows the fields read-only to anyone who may not change them; the
pharmacist profile service (dispensing.services.save_pharmacist_profile) records its changes here too.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Exists
from django_otp.plugins.otp_totp.models import TOTPDevice

from .exceptions import PermissionRefused
from .locks import user_for_update
from .models import RoleChange, User

PHARMACISTS_GROUP = "Pharmacists"
SUPERINTENDENTS_GROUP = "Superintendent pharmacists"
DATA_OFFICERS_GROUP = "Data officers"
MANAGE_PHARMACISTS = "accounts.manage_pharmacists"
REVIEW_PERMISSION = ("prescriptions", "review_prescription")

# Every staff group and every permission it holds, as (app label, codename). ensure_staff_groups brings
# the database to this after every migrate and test flush; the data migrations that first created the
# groups keep their own frozen copies (a migration never imports app code).
GROUP_PERMISSIONS: dict[str, frozenset[tuple[str, str]]] = {
    # Pharmacists review prescriptions and orders, and read in the admin what they need for it.
    PHARMACISTS_GROUP: frozenset({
        REVIEW_PERMISSION,
        ("prescriptions", "view_prescription"),
        ("prescriptions", "view_prescriptionitem"),
        ("orders", "view_order"),
        ("orders", "change_order"),  # dispatch, record deliveries, cancel: the order actions (services check it)
        ("dispensing", "view_orderawaitingreview"),
        ("dispensing", "view_orderawaitingdispatch"),  # the dispatch queue, with what each order still misses
        ("dispensing", "view_ordercannotsupply"),  # approved orders that cannot be supplied as they stand
        ("orders", "view_orderline"),
        ("orders", "view_orderevent"),
        ("catalog", "view_product"),
        ("catalog", "view_pack"),
        ("catalog", "view_leafletrevision"),
        ("catalog", "view_productreclassification"),
        ("dispensing", "view_registerentry"),
        ("dispensing", "view_responsiblepharmacistlog"),
        # They read the purchase limits, the warning-sign rules and the flags these raise.
        ("safeguards", "view_orderflag"),
        ("safeguards", "view_purchaselimit"),
        ("safeguards", "view_warningsignrule"),
    }),
    # Superintendent pharmacists reclassify medicines and configure the safeguards, because they answer
    # for the shop's sales policy; the Pharmacists group may do neither.
    SUPERINTENDENTS_GROUP: frozenset({
        ("catalog", "reclassify_product"),
        ("catalog", "view_product"),
        ("catalog", "view_productreclassification"),
        ("catalog", "view_clinicalcoveragereview"),  # and acknowledges them (catalog.coverage_reviews)
        ("dispensing", "view_registerentry"),
        ("dispensing", "view_responsiblepharmacistlog"),
        ("dispensing", "view_pharmacistprofile"),
        ("safeguards", "view_orderflag"),
        ("safeguards", "view_purchaselimit"),
        ("safeguards", "view_warningsignrule"),
        ("safeguards", "add_purchaselimit"),
        ("safeguards", "change_purchaselimit"),
        ("safeguards", "delete_purchaselimit"),
        ("safeguards", "change_warningsignrule"),
    }),
    # Data officers answer erasure requests that arrive by e-mail or post (the privacy app's queue) and may
    # see the records an erasure restricted (accounts.restriction), which other staff no longer see.
    DATA_OFFICERS_GROUP: frozenset({
        ("privacy", "view_restricted"),
        ("privacy", "view_erasurerequest"),
        ("privacy", "add_erasurerequest"),
        ("privacy", "change_erasurerequest"),
        ("privacy", "view_healthdataconsent"),
        ("orders", "view_order"),
        ("prescriptions", "view_prescription"),
        ("dispensing", "view_registerentry"),
    }),
}


def ensure_staff_groups(sender=None, **kwargs) -> None:
    """Create each staff group and give it its permissions from GROUP_PERMISSIONS (adding only: a
    permission an administrator added by hand stays). As a post_migrate receiver it runs once per app,
    after auth has created that app's permissions, and handles that app's permissions only; called
    directly, it handles them all."""
    app_label = getattr(sender, "label", None)
    for name, pairs in GROUP_PERMISSIONS.items():
        wanted = [(label, codename) for label, codename in pairs if app_label in (None, label)]
        if not wanted and app_label is not None:
            continue
        group, _ = Group.objects.get_or_create(name=name)
        found = Permission.objects.none()
        for label, codename in wanted:
            found |= Permission.objects.filter(content_type__app_label=label, codename=codename)
        group.permissions.add(*found)


def is_pharmacist(user) -> bool:
    """Staff in the Pharmacists group (which holds the review permission) with a confirmed authenticator
    device, checked in one query. Being a superuser is not enough: a professional decision needs a
    registered pharmacist. Group membership alone is not enough either: a pharmacist signs in with a
    second factor, so an account that cannot give one has no pharmacist's rights."""
    if not (user is not None and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.groups.filter(
        Exists(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True)),
        name=PHARMACISTS_GROUP,
        permissions__content_type__app_label=REVIEW_PERMISSION[0],
        permissions__codename=REVIEW_PERMISSION[1],
    ).exists()


def may_manage_pharmacists(actor) -> bool:
    """Who may change who is a pharmacist or a superintendent: a superuser or a holder of the permission."""
    return bool(actor is not None and actor.is_active and (actor.is_superuser or actor.has_perm(MANAGE_PHARMACISTS)))


def may_grant_superuser_rights(actor) -> bool:
    """Superuser status and user permissions: a grant of either is as good as any role, so only a superuser."""
    return bool(actor is not None and actor.is_active and actor.is_superuser)


def ensure_may_grant_superuser_rights(actor, *, field: str) -> None:
    if not may_grant_superuser_rights(actor):
        raise PermissionRefused("Only a superuser may change superuser status or a user's own permissions.",
                                field=field)


def ensure_may_manage_pharmacist_roles(actor, *, field: str) -> None:
    if not may_manage_pharmacists(actor):
        raise PermissionRefused(
            "Only a superuser, or staff with the “manage pharmacists” permission, may change who is a "
            "superintendent pharmacist or a pharmacist's profile (its user and registration number).",
            field=field,
        )


def record_role_change(*, actor, user: User, role: RoleChange.Role, old_value: str = "",
                       new_value: str = "") -> RoleChange:
    return RoleChange.objects.create(actor=actor, user=user, role=role, old_value=old_value, new_value=new_value)


@transaction.atomic
def set_superuser(*, actor, user: User, is_superuser: bool) -> RoleChange | None:
    """Make `user` a superuser or not, as `actor`. None when nothing changes (nothing is recorded)."""
    ensure_may_grant_superuser_rights(actor, field="is_superuser")
    locked = user_for_update(user_id=user.pk)
    user.is_superuser = is_superuser
    if locked.is_superuser == is_superuser:
        return None
    locked.is_superuser = is_superuser
    locked.save(update_fields=["is_superuser"])
    return record_role_change(actor=actor, user=user, role=RoleChange.Role.SUPERUSER,
                              old_value=str(not is_superuser), new_value=str(is_superuser))


def _labels(permissions: Iterable[Permission]) -> str:
    return ", ".join(sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions))


@transaction.atomic
def set_user_permissions(*, actor, user: User, permissions: Iterable[Permission]) -> RoleChange | None:
    """Give `user` exactly these permissions of their own (groups aside), as `actor`, and record the
    before and after. None when they already have exactly these."""
    ensure_may_grant_superuser_rights(actor, field="user_permissions")
    wanted = {permission.pk: permission for permission in permissions}
    locked = user_for_update(user_id=user.pk)
    held = {permission.pk: permission for permission in locked.user_permissions.select_related("content_type")}
    if wanted.keys() == held.keys():
        return None
    locked.user_permissions.set(wanted.values())
    labelled = Permission.objects.filter(pk__in=wanted).select_related("content_type")
    return record_role_change(actor=actor, user=user, role=RoleChange.Role.PERMISSIONS,
                              old_value=_labels(held.values()), new_value=_labels(labelled))


@transaction.atomic
def set_superintendents_membership(*, actor, user: User, member: bool) -> RoleChange | None:
    """Put `user` in or take them out of the Superintendent pharmacists group, as `actor`, and record it.
    None when the user was already where asked."""
    ensure_may_manage_pharmacist_roles(actor, field="groups")
    locked = user_for_update(user_id=user.pk)
    group, _ = Group.objects.get_or_create(name=SUPERINTENDENTS_GROUP)
    if locked.groups.filter(pk=group.pk).exists() == member:
        return None
    if member:
        locked.groups.add(group)
    else:
        locked.groups.remove(group)
    return record_role_change(actor=actor, user=user, role=RoleChange.Role.SUPERINTENDENTS_GROUP,
                              old_value=str(not member), new_value=str(member))
