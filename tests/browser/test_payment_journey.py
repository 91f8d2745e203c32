"""Paying in a real browser with the built-in test gateway: the declined card is refused with a clear
message and the cart kept, the test card pays, and the order is approved and captured."""

import re

import pytest
from playwright.sync_api import Page, expect

from cart.models import CartLine
from orders.models import Order, OrderStatus
from payments.gateways import _gateway
from tests.builders.browser import IBUPROFEN, fill_delivery_details, sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def test_payments(settings):
    settings.PAYMENTS_AT_CHECKOUT = True
    settings.PAYMENT_GATEWAY = "test"
    _gateway.cache_clear()


def test_the_declined_card_is_refused_and_the_test_card_pays(
        page: Page, live_server, demo_catalog, test_payments, screenshots):
    shopper = UserFactory(email="ola@example.org", full_name="Ola Shopper")
    sign_in(page, live_server.url, shopper.email, PASSWORD)
    page.goto(live_server.url + "/medicines/ibuprofen-tablets/")
    page.get_by_role("button", name=f"Add {IBUPROFEN} to cart").click()
    page.get_by_role("link", name="Checkout").click()
    fill_delivery_details(page)
    page.get_by_role("button", name="Place order").click()

    expect(page).to_have_title(re.compile("^Pay for order"))
    expect(page.get_by_role("heading", name="Test payments: no real card is charged")).to_be_visible()
    page.get_by_label("Card number").fill("4000 0000 0000 0002")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(page.get_by_role("alert").first).to_contain_text("Your card was declined.")
    page.screenshot(path=screenshots / "payment-declined.png", full_page=True)
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert CartLine.objects.filter(cart__user=shopper).exists()

    # A card needing the bank's confirmation, abandoned on the bank's page: the payment page says so
    # honestly, and another card replaces it.
    page.get_by_label("Card number").fill("4000 0000 0000 3220")
    page.get_by_role("button", name=re.compile("^Pay ")).click()
    expect(page.get_by_text("stands in for your bank")).to_be_visible()
    page.goto(live_server.url + f"/orders/{order.number}/pay/")
    expect(page.get_by_role("status")).to_contain_text("Your bank has not yet confirmed the card ending 3220")
    page.screenshot(path=screenshots / "payment-unconfirmed-3d-secure.png", full_page=True)

    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_role("button", name=re.compile("^Pay ")).click()

    expect(page.locator(".status-line")).to_contain_text("Approved")
    page.screenshot(path=screenshots / "payment-accepted.png", full_page=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert [p.status for p in order.payments.order_by("pk")] == ["failed", "voided", "captured"]
    assert not CartLine.objects.filter(cart__user=shopper).exists()
