"""Who sees and who configures the safeguards, kept whole after every migrate and test flush.

Pharmacists read the limits, the warning-sign rules and the flags; superintendent pharmacists (and
superusers) configure the limits and rules, because they answer for the shop's sales policy."""

from django.contrib.auth.models import Group, Permission

PHARMACIST_PERMISSIONS = ["view_orderflag", "view_purchaselimit", "view_warningsignrule"]
SUPERINTENDENT_PERMISSIONS = PHARMACIST_PERMISSIONS + [
    "add_purchaselimit", "change_purchaselimit", "delete_purchaselimit", "change_warningsignrule",
]


def _permissions(codenames: list[str]):
    return Permission.objects.filter(content_type__app_label="safeguards", codename__in=codenames)


def ensure_safeguard_permissions(**kwargs) -> None:
    from dispensing.groups import SUPERINTENDENTS_GROUP
    from orders.models import PHARMACISTS_GROUP

    pharmacists, _ = Group.objects.get_or_create(name=PHARMACISTS_GROUP)
    pharmacists.permissions.add(*_permissions(PHARMACIST_PERMISSIONS))
    superintendents, _ = Group.objects.get_or_create(name=SUPERINTENDENTS_GROUP)
    superintendents.permissions.add(*_permissions(SUPERINTENDENT_PERMISSIONS))
