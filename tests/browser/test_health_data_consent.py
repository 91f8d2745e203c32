"""Explicit health-data consent at checkout in a real browser: a shopper who never consented orders a
pharmacy-only medicine, is refused until they tick the unticked box (with the notice's words and a link to
it), then ticks it and places the order; the consent is stored as evidence of the revision shown, and the
next checkout does not ask again."""

import re

import pytest
from playwright.sync_api import Page, expect

from orders.models import Order, OrderStatus
from privacy.exceptions import HealthDataConsentRequired
from privacy.models import HealthDataConsent
from tests.builders.browser import (
    IBUPROFEN,
    answer_the_consultation,
    blocking_violations,
    fill_delivery_details,
    sign_in,
)
from tests.builders.privacy import published_notice
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_shopper_ticks_the_health_data_consent_box_and_places_a_pharmacy_medicine_order(
    page: Page, live_server, demo_catalog, screenshots
):
    notice = published_notice()
    shopper = UserFactory(email="kai@example.org", full_name="Kai Shopper", health_data_consent=False)
    sign_in(page, live_server.url, shopper.email, PASSWORD)
    page.goto(live_server.url + "/medicines/co-codamol-tablets/")
    page.get_by_role("button", name=re.compile(r"^Add Co-codamol")).click()
    page.get_by_role("link", name="Checkout").click()

    # The box is shown unticked, with the words of the revision in force and a link to it.
    consent_section = page.get_by_role("group", name="Your health data")
    box = consent_section.get_by_label(notice.consent_text)
    expect(box).not_to_be_checked()
    expect(consent_section.get_by_role("link", name=re.compile("privacy notice"))).to_have_attribute(
        "href", f"/privacy/revisions/{notice.number}/")
    assert blocking_violations(page) == []

    # Without the tick, the order is refused with the reason next to the box, and nothing is ordered.
    fill_delivery_details(page)
    answer_the_consultation(page, who="Me, 46")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("alert")).to_contain_text(HealthDataConsentRequired.default_message)
    expect(page.get_by_role("group", name="Your health data")).to_contain_text(
        HealthDataConsentRequired.default_message)
    page.screenshot(path=screenshots / "checkout-health-data-consent-missing.png", full_page=True)
    assert not Order.objects.exists() and not HealthDataConsent.objects.exists()

    # Ticked, the order is placed, and the consent names the revision and the words shown.
    answer_the_consultation(page, who="Me, 46")
    page.get_by_role("group", name="Your health data").get_by_label(notice.consent_text).check()
    page.screenshot(path=screenshots / "checkout-health-data-consent-ticked.png", full_page=True)
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is received")
    assert Order.objects.get().status == OrderStatus.AWAITING_REVIEW
    consent = HealthDataConsent.objects.get(user=shopper)
    assert (consent.notice, consent.text_shown, consent.interface) == (notice, notice.consent_text, "storefront")

    # The next checkout does not ask again.
    page.goto(live_server.url + "/medicines/ibuprofen-tablets/")
    page.get_by_role("button", name=f"Add {IBUPROFEN} to cart").click()
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    expect(page.get_by_role("group", name="Your health data")).to_have_count(0)
