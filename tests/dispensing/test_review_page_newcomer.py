"""What a new pharmacist meets on the review page: the responsible-pharmacist sign-in is a button right
there, and it comes back to the order; the review forms are laid out as the admin's aligned rows, each
field labelled (the browser test tests/browser/test_review_page_layout.py shows it)."""

import re

import pytest
from django.urls import reverse

from checkout.services import place_order
from dispensing.services import current_responsible_pharmacist
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.factories import PharmacistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_pharmacist(db):
    """A registered pharmacist, and nobody signed in as the responsible pharmacist yet today."""
    return PharmacistFactory()


@pytest.fixture
def awaiting_order(user, pom_pack):
    return place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="n",
                       prescription=uploaded_prescription(user))


def review_url(order):
    return reverse("admin:orders_order_review", args=[order.pk])


def test_the_review_page_offers_the_responsible_pharmacist_sign_in_and_comes_back(client, new_pharmacist,
                                                                                  awaiting_order):
    client.force_login(new_pharmacist)
    html = client.get(review_url(awaiting_order)).content.decode()

    assert "sign in as the responsible pharmacist first" in html
    sign_in = reverse("admin:dispensing_responsiblepharmacistlog_sign_in")
    assert f'action="{sign_in}"' in html and 'value="Sign in as responsible pharmacist"' in html

    response = client.post(sign_in, {"next": review_url(awaiting_order)})

    assert response.status_code == 302 and response["Location"] == review_url(awaiting_order)
    assert current_responsible_pharmacist().pharmacist == new_pharmacist
    assert "sign in as the responsible pharmacist first" not in client.get(review_url(awaiting_order)).content.decode()


def test_the_sign_in_goes_back_only_to_a_page_of_this_site(client, new_pharmacist):
    client.force_login(new_pharmacist)

    response = client.post(reverse("admin:dispensing_responsiblepharmacistlog_sign_in"),
                           {"next": "https://evil.example/phish"})

    assert response["Location"] == reverse("admin:dispensing_responsiblepharmacistlog_changelist")


def test_the_review_forms_use_the_admins_aligned_labelled_rows(client, pharmacist, awaiting_order):
    client.force_login(pharmacist)
    html = client.get(review_url(awaiting_order)).content.decode()

    for name in ("record-prescriber_name", "record-issued_on", "record-valid_until", "items-0-pack",
                 "items-0-quantity", "reject-reason", "reject-note"):
        row = re.search(rf'<div class="form-row field-[\w]+">\s*<div>\s*<div class="flex-container[^"]*">\s*'
                        rf'<label for="id_{name}"[^>]*>[^<]+</label>\s*<(input|select|textarea)[^>]*name="{name}"',
                        html)
        assert row, f"{name} is not in a labelled aligned row"
    assert html.count('<fieldset class="module aligned">') >= 2
