"""The Superintendent pharmacists group (migration 0002 creates it; this keeps it whole after every
migrate and test flush). It holds the reclassification permission the Pharmacists group does not."""

from django.contrib.auth.models import Group, Permission

SUPERINTENDENTS_GROUP = "Superintendent pharmacists"

SUPERINTENDENT_PERMISSIONS = [
    ("catalog", "reclassify_product"),
    ("catalog", "view_product"),
    ("catalog", "view_productreclassification"),
    ("catalog", "view_clinicalcoveragereview"),  # and acknowledges them (catalog.coverage_reviews)
    ("dispensing", "view_registerentry"),
    ("dispensing", "view_responsiblepharmacistlog"),
    ("dispensing", "view_pharmacistprofile"),
]

# Given to the Pharmacists group too (orders.pharmacists keeps that group's own list).
PHARMACIST_EXTRA_PERMISSIONS = [
    ("dispensing", "view_registerentry"),
    ("dispensing", "view_responsiblepharmacistlog"),
    ("catalog", "view_productreclassification"),
]


def _permissions(pairs):
    wanted = Permission.objects.none()
    for app_label, codename in pairs:
        wanted |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return wanted


def ensure_superintendents_group(**kwargs) -> Group:
    from orders.models import PHARMACISTS_GROUP

    group, _ = Group.objects.get_or_create(name=SUPERINTENDENTS_GROUP)
    group.permissions.add(*_permissions(SUPERINTENDENT_PERMISSIONS))
    pharmacists, _ = Group.objects.get_or_create(name=PHARMACISTS_GROUP)
    pharmacists.permissions.add(*_permissions(PHARMACIST_EXTRA_PERMISSIONS))
    return group
