"""Data minimisation at checkout: the date of birth is asked only where a medicine in the cart needs it (a
minimum age, an age rule of the clinical table, a P or POM medicine), never on every order; where it is
needed and missing, the refusal says for which medicine, on the service, the page and the API."""

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cart.selectors import list_cart_lines
from checkout.services import lines_needing_date_of_birth, place_order
from orders.exceptions import PatientDetailsRequired
from orders.models import Order
from tests.builders.api import SHIPPING, assert_problem
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def shopper(db):
    """An account whose health record holds no date of birth yet."""
    return UserFactory(health_record=False)


@pytest.fixture
def ibuprofen(db):
    """General sale, but the clinical table's ibuprofen-under-12 rule depends on the patient's age."""
    return PackFactory(product=ProductFactory(name="Ibuprofen tablets", slug="ibuprofen-tablets"), sku="IBU-16")


def place(user, *packs) -> Order:
    return place_order(user=user, cart=cart_with(user, *((pack, 1) for pack in packs)), details=details(),
                       idempotency_key=str(uuid.uuid4()))


def test_general_sale_items_that_do_not_depend_on_age_are_ordered_without_a_date_of_birth(shopper, gsl_pack):
    cart = cart_with(shopper, (gsl_pack, 1))
    assert lines_needing_date_of_birth(lines=list(list_cart_lines(cart=cart))) == []

    order = place_order(user=shopper, cart=cart, details=details(), idempotency_key="no-birth-date")

    assert order.patient_date_of_birth is None


def test_an_age_rule_of_the_clinical_table_needs_the_date_of_birth(shopper, gsl_pack, ibuprofen):
    with pytest.raises(PatientDetailsRequired) as refused:
        place(shopper, gsl_pack, ibuprofen)

    assert refused.value.field == "patient_date_of_birth"
    assert ibuprofen.display_name in refused.value.message and gsl_pack.display_name not in refused.value.message
    assert not Order.objects.exists()


def test_the_lines_needing_a_date_of_birth_are_the_age_limited_and_pharmacist_checked_ones(
    shopper, gsl_pack, ibuprofen, pom_pack
):
    limited = PackFactory(product=ProductFactory(minimum_age=16), sku="MIN-16")
    pharmacy = PackFactory(product=ProductFactory(legal_category="pharmacy"), sku="P-1")
    cart = cart_with(shopper, (gsl_pack, 1), (ibuprofen, 1), (pom_pack, 1), (limited, 1), (pharmacy, 1))

    needing = lines_needing_date_of_birth(lines=list(list_cart_lines(cart=cart)))

    assert sorted(line.pack.sku for line in needing) == sorted(["IBU-16", pom_pack.sku, "MIN-16", "P-1"])


def test_the_checkout_page_says_whose_date_of_birth_is_needed_and_for_which_medicine(client, shopper, gsl_pack,
                                                                                      ibuprofen):
    client.force_login(shopper)
    cart_with(shopper, (gsl_pack, 1))
    field = client.get(reverse("checkout:checkout")).context["form"]["patient_date_of_birth"]
    assert field.help_text.startswith("Only for someone you care for")
    assert field.label == "Patient's date of birth (only for someone you care for)"

    cart_with(shopper, (ibuprofen, 1))
    page = client.get(reverse("checkout:checkout"))
    assert page.context["form"]["patient_date_of_birth"].help_text.startswith(f"Needed for {ibuprofen.display_name}")
    assert page.context["form"]["patient_date_of_birth"].label == "Patient's date of birth"

    refused = client.post(reverse("checkout:checkout"), {
        "idempotency_key": str(uuid.uuid4()), "full_name": "Ada Shopper", "email": "ada@example.org",
        "phone": "07700 900123", "address_line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA",
        "patient_for": "me",
    })
    assert refused.status_code == 200
    [error] = refused.context["form"].errors["patient_date_of_birth"]
    assert ibuprofen.display_name in error
    assert not Order.objects.exists()


def test_the_api_takes_no_date_of_birth_where_none_is_needed_and_asks_for_it_where_it_is(shopper, gsl_pack,
                                                                                         ibuprofen):
    api = APIClient()
    api.force_authenticate(shopper)

    def checkout():
        return api.post("/api/v1/checkout/", {"shipping": SHIPPING}, format="json",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))

    cart_with(shopper, (gsl_pack, 1))
    assert checkout().status_code == 201

    cart_with(shopper, (ibuprofen, 1))
    assert_problem(checkout(), 422, "patient_details_required", "patient_date_of_birth")
    placed = api.post("/api/v1/checkout/", {"shipping": SHIPPING, "patient": {"date_of_birth": "1990-02-03"}},
                      format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert placed.status_code == 201, placed.content
