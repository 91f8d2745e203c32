"""The storefront: the cart page estimates delivery, the checkout page offers the methods as a radio
group with their prices, and the order pages show delivery and VAT."""

from decimal import Decimal

import pytest
from django.urls import reverse

from delivery.models import DeliveryMethod
from orders.models import Order
from tests.builders.checkout import CHECKOUT, checkout_data
from tests.builders.orders import cart_with
from tests.factories import PackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def methods(db):
    return (
        DeliveryMethod.objects.create(code="standard", name="Standard delivery", price_amount=Decimal("3.95"),
                                      free_over_amount=Decimal("30.00"), position=1),
        DeliveryMethod.objects.create(code="express", name="Express delivery", price_amount=Decimal("6.95"),
                                      estimated_days_min=1, estimated_days_max=1, position=2),
    )


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_cart_page_shows_subtotal_delivery_estimate_and_total(signed_in, user, gsl_pack, methods):
    cart_with(user, (gsl_pack, 2))

    html = signed_in.get(reverse("cart:detail")).content.decode()

    assert "Subtotal (2 items)" in html and "£6.98" in html
    assert "Delivery (Standard delivery, estimate)" in html and "£3.95" in html
    assert "<strong>£10.93</strong>" in html
    assert "free when your items come to £30 or more" in html and "Express delivery: £6.95" in html


def test_the_cart_page_shows_free_standard_delivery_over_the_threshold(signed_in, user, methods):
    cart_with(user, (PackFactory(price_amount=Decimal("15.00")), 2))

    html = signed_in.get(reverse("cart:detail")).content.decode()

    assert "Standard delivery is free on this order" in html and "<strong>£30.00</strong>" in html


def test_the_checkout_page_offers_each_method_with_its_price_default_selected(signed_in, user, gsl_pack, methods):
    cart_with(user, (gsl_pack, 1))

    response = signed_in.get(CHECKOUT)
    html = response.content.decode()

    assert "<legend>Delivery method</legend>" in html
    assert "Standard delivery: £3.95, free over £30. 2 to 3 working days." in html
    assert "Express delivery: £6.95. 1 working day." in html
    assert 'type="radio" name="delivery_method" value="standard"' in html
    assert response.context["form"]["delivery_method"].value() == "standard"
    assert "Total £7.44 with standard delivery" in html


def test_placing_the_order_with_express_charges_express(signed_in, user, gsl_pack, methods):
    cart_with(user, (gsl_pack, 1))

    response = signed_in.post(CHECKOUT, checkout_data(delivery_method="express"))

    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.delivery_method_name, order.delivery_amount, order.total_amount) == (
        "Express delivery", Decimal("6.95"), Decimal("10.44"))
    detail = signed_in.get(order.get_absolute_url()).content.decode()
    assert "Express delivery" in detail and "£6.95" in detail and "£10.44" in detail
    assert "VAT" in detail and "£1.74" in detail  # 0.58 in the item + 1.16 in the delivery


def test_a_method_not_offered_is_shown_next_to_the_field(signed_in, user, gsl_pack, methods):
    cart_with(user, (gsl_pack, 1))

    response = signed_in.post(CHECKOUT, checkout_data(delivery_method="teleport"))

    assert response.status_code == 200
    assert not Order.objects.exists()
    assert response.context["form"].errors["delivery_method"] == ["Choose one of the delivery methods offered."]
    assert 'href="#delivery-method-section"' in response.content.decode()  # the error summary links to it


def test_a_method_retired_while_the_page_was_open_is_refused_on_its_field(signed_in, user, gsl_pack, methods):
    cart_with(user, (gsl_pack, 1))
    signed_in.get(CHECKOUT)
    DeliveryMethod.objects.filter(code="express").update(is_active=False)

    response = signed_in.post(CHECKOUT, checkout_data(delivery_method="express"))

    assert not Order.objects.exists()
    assert "delivery_method" in response.context["form"].errors
