"""The guarded roles: what makes someone able to do more than their job. Superuser status and user
permissions change only by a superuser; membership of the Superintendent pharmacists group (which may
reclassify medicines) only by a superuser or a holder of `accounts.manage_pharmacists`, as for the
Pharmacists group (accounts.membership). Every change is recorded in RoleChange.

The user admin calls these and shows the fields read-only to anyone who may not change them; the
pharmacist profile service (dispensing.services.save_pharmacist_profile) records its changes here too.
"""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from dispensing.groups import SUPERINTENDENTS_GROUP

from .exceptions import PermissionRefused
from .locks import user_for_update
from .membership import may_manage_pharmacists
from .models import RoleChange, User


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
