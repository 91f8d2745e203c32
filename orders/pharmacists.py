"""The Pharmacists group: who may review prescriptions, and what they see in the admin.

Migrations 0002 and 0003 created it; this keeps it whole whenever migrations or a test database
flush run (post_migrate), so no deployment or test is ever left without it.
"""

from django.contrib.auth.models import Group, Permission

from .models import PHARMACISTS_GROUP

PHARMACIST_PERMISSIONS = [
    ("orders", "review_prescription"),
    ("orders", "view_prescription"),
    ("orders", "view_prescriptionitem"),
    ("orders", "view_order"),
    ("orders", "change_order"),  # dispatch, record deliveries, cancel: the order actions (services check it)
    ("orders", "view_orderawaitingreview"),
    ("orders", "view_orderawaitingdispatch"),  # the dispatch queue, with what each order still misses
    ("orders", "view_ordercannotsupply"),  # approved orders that cannot be supplied as they stand
    ("orders", "view_orderline"),
    ("orders", "view_orderevent"),
    ("catalog", "view_product"),
    ("catalog", "view_pack"),
    ("catalog", "view_leafletrevision"),
    # Issue 8: the prescription register, the RP log and the reclassification history (dispensing 0001).
    ("dispensing", "view_registerentry"),
    ("dispensing", "view_responsiblepharmacistlog"),
    ("catalog", "view_productreclassification"),
    # Purchase limits, warning-sign rules and the flags they raise (safeguards 0001; safeguards.groups adds
    # them again after its own migrations, which run after this group's).
    ("safeguards", "view_orderflag"),
    ("safeguards", "view_purchaselimit"),
    ("safeguards", "view_warningsignrule"),
]


def ensure_pharmacists_group(**kwargs) -> Group:
    group, _ = Group.objects.get_or_create(name=PHARMACISTS_GROUP)
    wanted = Permission.objects.none()
    for app_label, codename in PHARMACIST_PERMISSIONS:
        wanted |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*wanted)
    return group
