"""Who may make someone a pharmacist: membership of the Pharmacists group changes only here, only by
a superuser or a holder of `accounts.manage_pharmacists`, and every change is recorded.

The user admin calls these (never `user.groups.add` directly); so does anything else that grants or
withdraws the group.
"""

from django.contrib.auth.models import Group
from django.db import transaction

from .exceptions import PermissionRefused
from .models import PharmacistsMembershipChange, User
from .roles import PHARMACISTS_GROUP, may_manage_pharmacists


def ensure_may_manage_pharmacists(actor) -> None:
    if not may_manage_pharmacists(actor):
        raise PermissionRefused(
            "Only a superuser, or staff with the “manage pharmacists” permission, may add users to or remove "
            "them from the Pharmacists group.",
            field="groups",
        )


@transaction.atomic
def set_pharmacists_membership(*, actor, user: User, member: bool) -> PharmacistsMembershipChange | None:
    """Put `user` in (member=True) or take them out of the Pharmacists group, as `actor`, and audit it.
    Returns the audit row, or None when the user was already where asked (nothing is recorded)."""
    ensure_may_manage_pharmacists(actor)
    group = Group.objects.get(name=PHARMACISTS_GROUP)
    is_member = user.groups.filter(pk=group.pk).exists()
    if is_member == member:
        return None
    if member:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    action = PharmacistsMembershipChange.Action.ADDED if member else PharmacistsMembershipChange.Action.REMOVED
    return PharmacistsMembershipChange.objects.create(user=user, actor=actor, action=action)
