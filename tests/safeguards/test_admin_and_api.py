"""Where the limits are configured (the admin) and where flags are read: the admin order page, review
page and "flagged" filter, and the pharmacist API. Shoppers never see flags."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import SUPERINTENDENTS_GROUP
from orders.models import Order
from safeguards.models import LimitKind, OrderFlag, PurchaseLimit
from tests.builders.api import SHIPPING, assert_problem
from tests.builders.orders import cart_with
from tests.builders.safeguards import place
from tests.factories import StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits", "warning_rules")]


@pytest.fixture
def flagged_order(user, other_user, para16, para32):
    place(other_user, (para16, 1), address_line1="12 High St", postcode="sw1a1aa", phone="01632 960001")
    order = place(user, (para32, 1), address_line1="12 high street", postcode="SW1A 1AA", phone="01632 960002")
    assert OrderFlag.objects.filter(order=order).count() == 1
    return order


@pytest.fixture
def superintendent(db):
    return StaffFactory(is_superuser=True)


def test_limit_admin_pages_render_and_a_limit_is_configured_there(client, superintendent, para16):
    client.force_login(superintendent)
    assert "Paracetamol" in client.get(reverse("admin:safeguards_purchaselimit_changelist")).content.decode()
    assert client.get(reverse("admin:safeguards_purchaselimit_add")).status_code == 200
    assert client.get(reverse("admin:safeguards_warningsignrule_changelist")).status_code == 200

    response = client.post(reverse("admin:safeguards_purchaselimit_add"), {
        "name": "Ibuprofen", "is_active": "on", "ingredient": "", "atc_prefix": "M01AE",
        "applies_to_general_sale": "on", "applies_to_pharmacy": "on", "kind": LimitKind.PACKS_PER_CUSTOMER,
        "maximum": "4", "window_days": "30", "enforcement": "refuse_or_flag",
    })

    assert response.status_code == 302
    assert PurchaseLimit.objects.filter(name="Ibuprofen", atc_prefix="M01AE", window_days=30).exists()


def test_a_limit_without_a_subject_or_window_is_refused_in_the_admin(client, superintendent):
    client.force_login(superintendent)
    response = client.post(reverse("admin:safeguards_purchaselimit_add"), {
        "name": "Nothing", "kind": LimitKind.PACKS_PER_CUSTOMER, "maximum": "4", "window_days": "",
        "applies_to_general_sale": "on", "enforcement": "refuse_or_flag",
    })

    assert response.status_code == 200
    assert "Choose an ingredient, an ATC prefix, or both." in response.content.decode()
    assert not PurchaseLimit.objects.filter(name="Nothing").exists()


def test_pharmacists_see_flags_on_the_order_page_review_page_and_filter(client, pharmacist, flagged_order):
    client.force_login(pharmacist)
    message = OrderFlag.objects.get(order=flagged_order).message

    change_page = client.get(reverse("admin:orders_order_change", args=[flagged_order.pk])).content.decode()
    review_page = client.get(reverse("admin:orders_order_review", args=[flagged_order.pk])).content.decode()
    flagged = client.get(reverse("admin:orders_order_changelist") + "?flagged=yes").content.decode()
    not_flagged = client.get(reverse("admin:orders_order_changelist") + "?flagged=no").content.decode()
    queue = client.get(reverse("admin:dispensing_orderawaitingreview_changelist") + "?flagged=yes").content.decode()
    flag_list = client.get(reverse("admin:safeguards_orderflag_changelist"))

    assert message in change_page and message in review_page
    assert flagged_order.number in flagged and flagged_order.number not in not_flagged
    assert flagged_order.number in queue
    assert flag_list.status_code == 200 and flagged_order.number in flag_list.content.decode()


def test_superintendents_configure_limits_pharmacists_read_them_other_staff_neither(client, pharmacist):
    superintendent = StaffFactory(permissions=[])
    superintendent.groups.add(Group.objects.get(name=SUPERINTENDENTS_GROUP))
    add = reverse("admin:safeguards_purchaselimit_add")
    changelist = reverse("admin:safeguards_purchaselimit_changelist")

    client.force_login(superintendent)
    assert client.get(add).status_code == 200
    client.force_login(pharmacist)
    assert (client.get(changelist).status_code, client.get(add).status_code) == (200, 403)
    client.force_login(StaffFactory())
    assert client.get(changelist).status_code == 403


def test_the_pharmacist_api_shows_flags_and_the_shopper_api_does_not(
    pharmacist_client, shopper_client, flagged_order
):
    response = pharmacist_client.get(reverse("api:review-order-detail", args=[flagged_order.number]))
    queue = pharmacist_client.get(reverse("api:review-order-list"))
    own = shopper_client.get(reverse("api:order-detail", args=[flagged_order.number]))
    forbidden = shopper_client.get(reverse("api:review-order-detail", args=[flagged_order.number]))

    assert response.status_code == 200
    [flag] = response.json()["flags"]
    assert flag["kind"] == "shared_address" and flag["details"]["accounts"] == 2
    assert [order["flags"][0]["kind"] for order in queue.json()["results"]] == ["shared_address"]
    assert own.status_code == 200 and "flags" not in own.json()
    assert forbidden.status_code == 403


def test_a_refused_checkout_through_the_api_is_a_problem_naming_the_cart(user, shopper_client, para32):
    cart_with(user, (para32, 4))

    response = shopper_client.post(reverse("api:checkout"), {"shipping": SHIPPING, "patient": {
        "date_of_birth": "1980-01-01"}}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    body = assert_problem(response, 422, code="purchase_limit_exceeded", field="cart")
    assert "at most 100 tablets or capsules in one order" in body["detail"]
    assert {key: body["errors"][0][key] for key in ("field", "limit", "resets_on")} == {
        "field": "cart", "limit": "Paracetamol", "resets_on": None}
    assert not Order.objects.exists()


def test_a_refused_checkout_in_the_shop_shows_the_limit_at_the_top_of_the_form(client, user, para32):
    cart_with(user, (para32, 4))
    client.force_login(user)

    response = client.post(reverse("checkout:checkout"), {
        "idempotency_key": "8d0c7c9e-2f0b-4a43-9d55-0d6f1c1f9a01", "full_name": "Ada Shopper",
        "email": "ada@example.org", "phone": "07700 900123", "address_line1": "1 High Street", "address_line2": "",
        "city": "Leeds", "postcode": "ls1 1aa",
    })

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Paracetamol: at most 100 tablets or capsules in one order, across all packs; this order has 128. "
        "Remove some packs to continue."
    ]
    assert not Order.objects.exists()
