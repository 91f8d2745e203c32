"""Erasing an account in a real browser: asked on the account's privacy page, confirmed through the e-mailed
link, the erasure report shown with each kept kind and its end date; the shopper can no longer sign in. The
confirmation and report pages have no serious accessibility violation at desktop and phone widths."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from cart.services import add_to_cart, get_or_create_user_cart
from privacy.models import ConsentInterface
from privacy.services import give_consent
from tests.builders.browser import DESKTOP, PHONE, blocking_violations, sign_in
from tests.builders.patients import child_record
from tests.builders.privacy import published_notice
from tests.factories import PASSWORD, PackFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_widths(page: Page, screenshots, name: str) -> dict:
    problems = {}
    for width, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(screenshots / f"privacy-erasure-{name}-{width}.png"), full_page=True)
        if violations := blocking_violations(page):
            problems[width] = violations
    page.set_viewport_size(DESKTOP)
    return problems


def test_a_shopper_erases_their_account_and_reads_the_report(page: Page, live_server, screenshots):
    shopper = UserFactory(email="ada@example.org", full_name="Ada Shopper")
    child_record(shopper, name="Sam Shopper")
    add_to_cart(cart=get_or_create_user_cart(user=shopper), pack=PackFactory(), quantity=1)
    give_consent(user=shopper, interface=ConsentInterface.STOREFRONT, notice_number=published_notice().number)
    sign_in(page, live_server.url, shopper.email, PASSWORD)
    mail.outbox.clear()

    page.goto(live_server.url + "/account/privacy/")
    section = page.get_by_role("region", name="Erase your account")
    expect(section).to_be_visible()
    section.get_by_role("button", name="E-mail me the erasure link").click()
    expect(page.get_by_text("We have sent a link to ada@example.org")).to_be_visible()

    [email] = [message for message in mail.outbox if message.to == ["ada@example.org"]]
    path = re.search(r"https?://\S+?(/account/privacy/erasure/confirm/\S+/)", email.body).group(1)
    page.goto(live_server.url + path)
    expect(page.get_by_role("button", name="Erase my account")).to_be_visible()
    confirm_problems = check_widths(page, screenshots, "confirm")
    page.get_by_role("button", name="Erase my account").click()

    report = page.get_by_role("region", name="Your erasure report")
    expect(report).to_be_visible()
    consent = report.get_by_role("listitem").filter(has_text="Evidence of health-data consent")
    expect(consent).to_contain_text("Limitation Act")
    expect(consent).to_contain_text("then deleted")
    expect(report).to_contain_text("Health records")
    report_problems = check_widths(page, screenshots, "report")
    assert (confirm_problems, report_problems) == ({}, {})

    sign_in(page, live_server.url, "ada@example.org", PASSWORD)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()  # refused: still on the sign-in page
    page.goto(live_server.url + "/account/privacy/")
    assert "/accounts/sign-in/" in page.url
    assert (screenshots / "privacy-erasure-report-desktop.png").stat().st_size > 0
