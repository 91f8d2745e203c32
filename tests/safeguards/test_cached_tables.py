"""Checkout reads the limits and warning-sign rules from a cache (safeguards/tables.py): a change made in
the admin reaches the very next checkout, because the admin bumps the tables' version."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cart.services import get_or_create_user_cart
from orders.models import OrderStatus
from safeguards.exceptions import PurchaseLimitExceeded
from safeguards.models import FlagKind, LimitKind, OrderFlag, PurchaseLimit, WarningSignKind, WarningSignRule
from tests.builders.safeguards import place
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits", "warning_rules", "safeguards_cache")]


@pytest.fixture
def superintendent_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


def safeguard_table_reads(captured) -> list[str]:
    return [query["sql"] for query in captured.captured_queries
            if '"safeguards_purchaselimit"' in query["sql"] or '"safeguards_warningsignrule"' in query["sql"]]


def test_checkout_reads_the_tables_once_then_from_the_cache(user, para16):
    with CaptureQueriesContext(connection) as first:
        place(user, (para16, 1), key="first")
    with CaptureQueriesContext(connection) as second:
        place(user, (para16, 1), key="second")

    assert len(safeguard_table_reads(first)) == 2
    assert safeguard_table_reads(second) == []


def test_a_limit_changed_in_the_admin_applies_to_the_next_checkout(user, para16, superintendent_client):
    place(user, (para16, 2), key="before")  # within the limit of 6 packs in 30 days; the tables are cached
    limit = PurchaseLimit.objects.get(name="Paracetamol", kind=LimitKind.PACKS_PER_CUSTOMER)

    response = superintendent_client.post(reverse("admin:safeguards_purchaselimit_change", args=[limit.pk]), {
        "name": limit.name, "is_active": "on", "ingredient": limit.ingredient_id, "atc_prefix": "",
        "applies_to_general_sale": "on", "applies_to_pharmacy": "on", "kind": limit.kind,
        "maximum": "3", "window_days": "30", "enforcement": limit.enforcement,
    })

    assert response.status_code == 302
    with pytest.raises(PurchaseLimitExceeded, match="at most 3 packs per customer"):
        place(user, (para16, 2), key="after")
    get_or_create_user_cart(user=user).lines.all().delete()
    assert place(user, (para16, 1), key="fits").status == OrderStatus.APPROVED


def test_a_warning_sign_rule_switched_off_in_the_admin_list_flags_nothing_next(user, other_user, para16,
                                                                              superintendent_client):
    place(other_user, (para16, 1), key="other")  # the tables are cached with every rule on
    rules = list(WarningSignRule.objects.order_by("kind"))
    form = {"form-TOTAL_FORMS": str(len(rules)), "form-INITIAL_FORMS": str(len(rules)), "_save": "Save"}
    for index, rule in enumerate(rules):
        form |= {f"form-{index}-id": str(rule.pk), f"form-{index}-accounts": str(rule.accounts),
                 f"form-{index}-window_days": str(rule.window_days)}
        if rule.kind != WarningSignKind.SHARED_ADDRESS:
            form[f"form-{index}-is_active"] = "on"

    response = superintendent_client.post(reverse("admin:safeguards_warningsignrule_changelist"), form)

    assert response.status_code == 302
    order = place(user, (para16, 1), key="mine")
    assert set(OrderFlag.objects.filter(order=order).values_list("kind", flat=True)) == {FlagKind.SHARED_PHONE}


def test_a_limit_deleted_in_the_admin_counts_nothing_next(user, para16, superintendent_client):
    place(user, (para16, 6), key="six")  # the per-customer limit's whole allowance
    limit = PurchaseLimit.objects.get(name="Paracetamol", kind=LimitKind.PACKS_PER_CUSTOMER)
    address_limit = PurchaseLimit.objects.get(name="Paracetamol", kind=LimitKind.PACKS_PER_ADDRESS)

    for deleted in (limit, address_limit):
        response = superintendent_client.post(
            reverse("admin:safeguards_purchaselimit_delete", args=[deleted.pk]), {"post": "yes"})
        assert response.status_code == 302

    assert place(user, (para16, 1), key="seventh").status == OrderStatus.APPROVED
