"""The shopper's side: advice in the cart before checkout, on the order page after it, and e-mails that
only say there is advice to read (no health details by e-mail)."""

import pytest
from django.urls import reverse

from checkout.services import place_order
from notifications.models import OutboxMessage
from notifications.services import build_email
from tests.builders.cart_page import neutral, page_before
from tests.builders.orders import cart_with, details

pytestmark = pytest.mark.django_db


def test_the_cart_shows_advice_before_checkout(client, user, packs):
    cart_with(user, (packs["COCO-8-500-32"], 1), (packs["PARA-500-16"], 1))
    client.force_login(user)

    response = client.get(reverse("cart:detail"))

    html = response.content.decode()
    assert "Advice from our pharmacist" in html
    assert "More than one of your medicines contains paracetamol" in html
    assert neutral(html) == neutral(page_before(response))  # the markup the advice's template wrote


def test_the_cart_says_what_checkout_will_refuse(client, user, packs, health_record):
    health_record(conditions={"stomach_ulcer"})
    cart_with(user, (packs["IBU-200-16"], 1))
    client.force_login(user)

    response = client.get(reverse("cart:detail"))

    html = response.content.decode()
    assert "We cannot sell you the following" in html
    assert "if you have or had a stomach ulcer" in html and "talk to our pharmacist" in html
    assert neutral(html) == neutral(page_before(response))


def test_the_order_page_shows_the_advice_and_the_email_only_points_to_it(client, user, packs):
    order = place_order(user=user, cart=cart_with(user, (packs["COCO-8-500-32"], 1), (packs["PARA-500-16"], 1)),
                        details=details(), idempotency_key="adv")
    client.force_login(user)

    html = client.get(order.get_absolute_url()).content.decode()
    email = build_email(message=OutboxMessage.objects.get(order=order, kind="order_placed"))

    assert "Advice about your medicines" in html and "4 g of paracetamol" in html
    assert "please read it on your order page" in email.body
    assert "paracetamol twice" not in email.body.lower() and "4 g" not in email.body
