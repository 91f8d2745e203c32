"""The storefront's payment step with the test gateway: a plain form with no JavaScript, labelled as
test payments; a declined card shows why and keeps the cart; 3-D Secure goes to our confirm page and back."""


import pytest
from django.urls import reverse

from cart.models import CartLine
from orders.models import Order, OrderStatus
from tests.builders.checkout import CHECKOUT, checkout_data
from tests.builders.orders import cart_with
from tests.builders.payments import pay

pytestmark = pytest.mark.django_db




def test_checkout_goes_to_the_payment_step_which_is_labelled_as_test_payments(
        signed_in, user, gsl_pack, payments_on):
    cart_with(user, (gsl_pack, 1))

    response = signed_in.post(CHECKOUT, checkout_data(), follow=True)

    order = Order.objects.get()
    assert response.redirect_chain[-1] == (reverse("payments:pay", args=[order.number]), 302)
    page = response.content.decode()
    assert "Test payments: no real card is charged" in page
    assert "<script" not in page.split("<main", 1)[-1]
    assert '<label for="id_card">Card number' in page
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_a_declined_card_is_explained_and_another_card_pays(
        signed_in, user, gsl_pack, payments_on, django_capture_on_commit_callbacks):
    cart_with(user, (gsl_pack, 1))
    signed_in.post(CHECKOUT, checkout_data())
    order = Order.objects.get()

    declined = pay(signed_in, order, "4000 0000 0000 0002")
    assert "Your card was declined. Nothing was charged; try another card." in declined.content.decode()
    assert CartLine.objects.filter(cart__user=user).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        paid = pay(signed_in, order, "4242 4242 4242 4242")

    assert paid.redirect_chain[-1] == (reverse("orders:order-confirmation", args=[order.number]), 302)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert not CartLine.objects.filter(cart__user=user).exists()


def test_a_card_needing_confirmation_goes_to_the_confirm_page_and_back(
        signed_in, user, gsl_pack, payments_on, django_capture_on_commit_callbacks):
    cart_with(user, (gsl_pack, 1))
    signed_in.post(CHECKOUT, checkout_data())
    order = Order.objects.get()

    confirm = pay(signed_in, order, "4000000000003220")
    assert "stands in for your bank" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = signed_in.post(confirm.redirect_chain[-1][0], {"decision": "approve"}, follow=True)

    assert done.redirect_chain[-1] == (reverse("orders:order-confirmation", args=[order.number]), 302)
    order.refresh_from_db()
    assert (order.status, order.payments.get().status) == (OrderStatus.APPROVED, "captured")


def test_with_stripe_only_the_payment_page_allows_stripe_js(signed_in, user, gsl_pack, payments_on):
    payments_on.PAYMENT_GATEWAY = "stripe"
    cart_with(user, (gsl_pack, 1))
    signed_in.post(CHECKOUT, checkout_data())
    order = Order.objects.get()

    page = signed_in.get(reverse("payments:pay", args=[order.number]))
    other = signed_in.get(reverse("orders:order-detail", args=[order.number]))

    policy = page["Content-Security-Policy"]
    assert "script-src 'self' https://js.stripe.com;" in policy
    assert "frame-src https://js.stripe.com https://hooks.stripe.com;" in policy
    assert '<script src="https://js.stripe.com/v3/"></script>' in page.content.decode()
    assert "stripe.com" not in other["Content-Security-Policy"]


def test_a_new_card_replaces_an_unconfirmed_3d_secure_attempt(
        signed_in, user, gsl_pack, payments_on, django_capture_on_commit_callbacks):
    cart_with(user, (gsl_pack, 1))
    signed_in.post(CHECKOUT, checkout_data())
    order = Order.objects.get()
    pay(signed_in, order, "4000000000003220")  # the shopper leaves the bank's page without answering

    page = signed_in.get(reverse("payments:pay", args=[order.number])).content.decode()
    assert "Your bank has not yet confirmed the card ending 3220." in page
    assert "Nothing is charged until it does." in page and "Nothing was charged" not in page
    with django_capture_on_commit_callbacks(execute=True):
        paid = pay(signed_in, order, "4242 4242 4242 4242")

    assert paid.redirect_chain[-1] == (reverse("orders:order-confirmation", args=[order.number]), 302)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert [(p.card_last4, p.status) for p in order.payments.order_by("pk")] == [("3220", "voided"),
                                                                                   ("4242", "captured")]
    from payments.gateways.test import TestGateway
    abandoned = order.payments.order_by("pk").first()
    assert TestGateway().retrieve(reference=abandoned.reference).status == "canceled"


def test_the_test_gateway_takes_only_its_documented_card_numbers(signed_in, user, gsl_pack, payments_on):
    cart_with(user, (gsl_pack, 1))
    signed_in.post(CHECKOUT, checkout_data())
    order = Order.objects.get()

    refused = pay(signed_in, order, "4111 1111 1111 1111")  # a real card's shape, but no test card

    assert "This shop takes test payments only: use a test card" in refused.content.decode()
    assert not order.payments.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
