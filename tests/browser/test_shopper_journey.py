"""The shopper's journey in a real browser, from search to the pharmacist's approval."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.management.commands.load_demo_catalog import DEMO_TOTP_KEY_HEX
from orders.models import Order, OrderStatus
from tests.builders.browser import IBUPROFEN, fill_delivery_details, sign_in
from tests.builders.orders import MINIMAL_PDF
from tests.factories import PASSWORD, UserFactory
from tests.otp import code_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BACLOFEN_10 = "Baclofen 10 mg tablets, 84 tablets"
PRESCRIPTION_NEEDED = f"A prescription is needed for: {BACLOFEN_10}."






def test_guest_buys_baclofen_with_a_prescription_and_a_pharmacist_approves_it(
    page: Page, browser, live_server, demo_catalog, screenshots
):
    # A guest searches, opens the product and reads its leaflet.
    page.goto(live_server.url + "/")
    page.locator("#site-search-q").fill("baclofen")
    page.locator("#site-search-q").press("Enter")
    expect(page).to_have_title(re.compile("Search results for “baclofen”"))
    page.get_by_role("link", name="Baclofen tablets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Baclofen tablets")
    expect(page.get_by_role("heading", name="Patient information leaflet")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("What you need to know before"))).to_be_visible()
    with page.expect_download() as leaflet:
        page.get_by_role("link", name=re.compile("Download the leaflet as a PDF")).click()
    assert leaflet.value.suggested_filename.endswith(".pdf")

    # … adds Baclofen 10 mg to the cart and goes to checkout, which asks them to sign in.
    page.get_by_label(f"Quantity of {BACLOFEN_10}").fill("1")
    page.get_by_role("button", name=f"Add {BACLOFEN_10} to cart").click()
    expect(page).to_have_title(re.compile("^Your cart"))
    expect(page.get_by_role("link", name=BACLOFEN_10)).to_be_visible()
    expect(page.get_by_text("Prescription only", exact=True)).to_be_visible()
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")

    # … signs up instead, and is asked to check their e-mail.
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("E-mail address").fill("nia@example.org")
    page.get_by_label("Full name").fill("Nia Shopper")
    page.get_by_label("Password:", exact=True).fill("plum-orchard-lantern-42")
    page.get_by_label("Password again").fill("plum-orchard-lantern-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    # … opens the link in it to confirm the address, signs in, and lands on checkout with the cart that
    # followed them.
    [confirmation] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/verify-email/\S+/)", confirmation.body).group(1)
    mail.outbox.clear()
    page.goto(live_server.url + link)
    expect(page.get_by_text("your e-mail address is confirmed")).to_be_visible()
    sign_in(page, live_server.url, "nia@example.org", "plum-orchard-lantern-42",
            path="/accounts/sign-in/?next=/checkout/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    expect(page.get_by_label(re.compile(r"^Full name"))).to_have_value("Nia Shopper")
    expect(page.get_by_role("cell", name=re.compile(BACLOFEN_10))).to_be_visible()

    # … ticks the health-data consent box a new account is shown (a prescription medicine's order needs
    # it), forgets the date of birth a prescription medicine needs (their new health record has none),
    # and is told in one answer that it and a prescription are missing, keeping what they typed.
    fill_delivery_details(page)
    page.get_by_role("group", name="Your health data").get_by_role("checkbox").check()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("alert").first).to_contain_text("Enter the patient's date of birth")
    expect(page.get_by_role("alert").first).to_contain_text(PRESCRIPTION_NEEDED)
    page.screenshot(path=screenshots / "checkout-every-missing-field.png", full_page=True)
    expect(page.get_by_label("Address line 1")).to_have_value("1 High Street")
    expect(page.get_by_role("group", name="Your health data").get_by_role("checkbox")).to_be_checked()
    assert not Order.objects.exists()
    page.get_by_label("Patient's date of birth").fill("1985-12-10")

    # … uploads a prescription and places the order, which waits for the pharmacist.
    page.get_by_label("Prescription file").set_input_files(
        {"name": "prescription.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is received")
    expect(page.locator(".status-line")).to_contain_text("Awaiting pharmacist review")
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_REVIEW

    # The confirmation e-mail went out, with the leaflet the shopper received attached.
    [email] = mail.outbox
    assert email.to == ["nia@example.org"] and order.number in email.subject
    [(filename, _, kind)] = email.attachments
    assert kind == "application/pdf" and filename.startswith("leaflet-baclofen-tablets-rev")

    # A pharmacist signs in to the admin, with the code their authenticator app shows for the demo secret
    # (docs/security.md), and approves the order from the review queue.
    pharmacist_page = browser.new_page()
    pharmacist_page.goto(live_server.url + "/admin/")
    pharmacist_page.get_by_label("Email address").or_(pharmacist_page.get_by_label("E-mail address")).fill(
        "pharmacist@pharmacy.invalid")
    pharmacist_page.get_by_label("Password").fill("demo-pharmacist-password")
    pharmacist_page.get_by_label("OTP Token").fill(code_for(DEMO_TOTP_KEY_HEX))
    pharmacist_page.get_by_role("button", name="Log in").click()
    expect(pharmacist_page.get_by_role("link", name="Log out").or_(
        pharmacist_page.get_by_role("button", name="Log out"))).to_be_visible()

    # No P or POM medicine is approved unless a responsible pharmacist is signed in for the day.
    pharmacist_page.goto(live_server.url + reverse("admin:dispensing_responsiblepharmacistlog_changelist"))
    pharmacist_page.get_by_role("button", name="Sign in as responsible pharmacist").click()
    expect(pharmacist_page.get_by_text("You are the responsible pharmacist.")).to_be_visible()
    pharmacist_page.goto(live_server.url + reverse("admin:dispensing_orderawaitingreview_changelist"))
    queue_row = pharmacist_page.get_by_role("row", name=re.compile(order.number))
    queue_row.get_by_role("link", name="Review").click()
    issued = timezone.localdate() - datetime.timedelta(days=3)
    pharmacist_page.get_by_label("Prescriber's name").fill("Dr Grace Prescriber")
    pharmacist_page.get_by_label("Prescriber's registration number").fill("7123456")
    pharmacist_page.get_by_label("Prescriber's address").fill("Leeds Road Surgery, 2 Leeds Road, Leeds LS2 2BB")
    # The patient the prescription names: the order is checked against them, now and at every repeat.
    pharmacist_page.get_by_label("Patient's name on the prescription").fill("Nia Shopper")
    pharmacist_page.get_by_label("Patient's date of birth on the prescription").fill("1985-12-10")
    pharmacist_page.get_by_label("Date of issue").fill(issued.isoformat())
    pharmacist_page.get_by_label("Valid until").fill((issued + datetime.timedelta(days=90)).isoformat())
    # The structured directions, for the daily dose check: 5 mg three times a day.
    pharmacist_page.locator("#id_items-0-dose").fill("5")
    pharmacist_page.locator("#id_items-0-dose_unit").select_option("mg")
    pharmacist_page.locator("#id_items-0-times_per_day").fill("3")
    pharmacist_page.get_by_role("button", name="Approve order").click()
    # Approval re-runs the clinical checks and records the prescription: give it a busy machine's time.
    expect(pharmacist_page.get_by_text(f"Order {order.number} approved.")).to_be_visible(timeout=30_000)
    pharmacist_page.close()

    # The shopper sees the new status, and who decided it, on their order page.
    page.goto(live_server.url + order.get_absolute_url())
    expect(page.locator("#order-status")).to_have_text("Approved")
    expect(page.get_by_role("row", name=re.compile("Approved.*Pharmacist"))).to_be_visible()
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED


def test_an_over_the_counter_purchase_is_approved_straight_away(page: Page, live_server, demo_catalog):
    shopper = UserFactory(email="olu@example.org", full_name="Olu Shopper")
    sign_in(page, live_server.url, shopper.email, PASSWORD)

    page.goto(live_server.url + "/medicines/ibuprofen-tablets/")
    page.get_by_role("button", name=f"Add {IBUPROFEN} to cart").click()
    page.get_by_role("link", name="Checkout").click()
    expect(page.get_by_role("group", name="Prescription")).to_have_count(0)
    fill_delivery_details(page)
    page.get_by_role("button", name="Place order").click()

    expect(page.locator(".status-line")).to_contain_text("Approved")
    order = Order.objects.get()
    assert (order.user, order.status, order.requires_prescription) == (shopper, OrderStatus.APPROVED, False)
    [email] = mail.outbox
    assert email.to == ["olu@example.org"]
