"""The clinical checks in a real browser: the shopper sees the advice in the cart (co-codamol with
paracetamol: paracetamol twice), and the pharmacist sees the alert, with its severity and source, on the
admin review page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from orders.models import Order
from tests.builders.browser import (
    answer_the_consultation,
    fill_delivery_details,
    sign_in,
    sign_in_to_the_admin_as_the_demo_pharmacist,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_advice_in_the_cart_and_the_alert_on_the_pharmacists_screen(
    page: Page, browser, live_server, demo_catalog, screenshots
):
    shopper = UserFactory(email="nia@example.org", full_name="Nia Shopper")
    sign_in(page, live_server.url, shopper.email, PASSWORD)

    # Co-codamol (pharmacy-only) and paracetamol (general sale): paracetamol twice.
    page.goto(live_server.url + "/medicines/co-codamol-tablets/")
    page.get_by_role("button", name=re.compile(r"^Add Co-codamol")).click()
    page.goto(live_server.url + "/medicines/paracetamol-tablets/")
    page.get_by_role("button", name=re.compile(r"^Add Paracetamol")).click()
    expect(page).to_have_title(re.compile("^Your cart"))
    advice = page.get_by_role("region", name="Advice from our pharmacist's checks")
    expect(advice).to_contain_text("More than one of your medicines contains paracetamol")
    page.screenshot(path=screenshots / "clinical-advice-in-cart.png", full_page=True)

    # The order goes through, with the advice kept on it.
    page.get_by_role("link", name="Checkout").click()
    fill_delivery_details(page)
    page.get_by_label("Patient's date of birth").fill("1984-03-12")
    answer_the_consultation(page, who="Me, 42")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is received")
    order = Order.objects.get()
    assert order.clinical_alerts.filter(rule_id="paracetamol-duplication").exists()

    # The pharmacist opens the order: the alert, its severity and its source.
    pharmacist_page = browser.new_page()
    sign_in_to_the_admin_as_the_demo_pharmacist(pharmacist_page, live_server.url)
    pharmacist_page.goto(live_server.url + reverse("admin:orders_order_review", args=[order.pk]))
    alert_row = pharmacist_page.locator("tr.clinical-alert", has_text="paracetamol-duplication")
    expect(alert_row).to_contain_text("Major")
    expect(alert_row).to_contain_text("BNF, paracetamol")
    expect(alert_row).to_contain_text("Needs an override reason to approve")
    pharmacist_page.locator("#clinical-alerts").scroll_into_view_if_needed()
    pharmacist_page.screenshot(path=screenshots / "clinical-alert-pharmacist-review.png", full_page=True)
    pharmacist_page.close()
