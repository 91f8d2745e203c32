"""A pharmacy-only (P) medicine in a real browser: the shopper answers the pharmacist's questions at
checkout (and is refused co-codamol for a child under 12), the order page says why it waits, and the
pharmacist reads the answers on the review page and refuses the P line while the rest of the order goes on."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from catalog.models import Pack
from orders.models import LineDecision, Order, OrderStatus
from tests.builders.browser import (
    IBUPROFEN,
    PAIN,
    WHO,
    answer_the_consultation,
    fill_delivery_details,
    sign_in,
    sign_in_to_the_admin_as_the_demo_pharmacist,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CO_CODAMOL_SKU = "COCO-8-500-32"
UNDERSTANDS_3_DAYS = "Do you understand that co-codamol must be used for no more than 3 days in a row?"






def test_co_codamol_consultation_from_checkout_to_the_pharmacists_refusal(
    page: Page, browser, live_server, demo_catalog, screenshots
):
    shopper = UserFactory(email="ravi@example.org", full_name="Ravi Shopper")
    co_codamol = Pack.objects.get(sku=CO_CODAMOL_SKU)
    on_sale = co_codamol.stock_quantity
    sign_in(page, live_server.url, shopper.email, PASSWORD)

    # The shopper adds co-codamol (pharmacy-only) and ibuprofen (general sale) to the cart.
    page.goto(live_server.url + "/medicines/co-codamol-tablets/")
    page.get_by_role("button", name=re.compile(r"^Add Co-codamol")).click()
    expect(page).to_have_title(re.compile("^Your cart"))
    page.goto(live_server.url + "/medicines/ibuprofen-tablets/")
    page.get_by_role("button", name=f"Add {IBUPROFEN} to cart").click()
    page.get_by_role("link", name="Checkout").click()

    # Checkout asks the pharmacist's questions for co-codamol, and says the order will wait.
    expect(page.get_by_role("group", name="Questions from our pharmacist")).to_be_visible()
    expect(page.get_by_text("Nothing is dispensed until our pharmacist has reviewed your answers.")).to_be_visible()
    fill_delivery_details(page)

    # For a child of 8, co-codamol is refused before anything is ordered, with the reason.
    page.get_by_label("Someone I care for (e.g. my child)").check()
    page.get_by_label("Patient's full name").fill("Maya Shopper")
    page.get_by_label("Patient's date of birth").fill("2018-06-01")
    answer_the_consultation(page, who="My daughter Maya, 8")
    page.screenshot(path=screenshots / "p-medicine-consultation-questions.png", full_page=True)
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("alert")).to_contain_text("not sold for patients under 12")
    page.screenshot(path=screenshots / "p-medicine-child-refused.png", full_page=True)
    assert not Order.objects.exists()
    assert Pack.objects.get(pk=co_codamol.pk).stock_quantity == on_sale

    # For the shopper themselves it is ordered, and waits for the pharmacist.
    page.get_by_label("Me", exact=True).check()
    page.get_by_label("Patient's full name").fill("")
    page.get_by_label("Patient's date of birth").fill("1984-03-12")
    answer_the_consultation(page, who="Me, 41")
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is received")
    expect(page.locator("#waiting-reason")).to_contain_text("Our pharmacist will review your answers")
    page.get_by_role("link", name="View order details").click()
    expect(page.locator("#order-status")).to_have_text("Awaiting pharmacist review")
    expect(page.locator("#waiting-reason")).to_contain_text(
        "a pharmacist must review your answers for the pharmacy-only medicines")
    expect(page.get_by_text("Awaiting our pharmacist")).to_be_visible()
    page.screenshot(path=screenshots / "p-medicine-order-waits.png", full_page=True)
    order = Order.objects.get()
    assert order.status == OrderStatus.AWAITING_REVIEW
    p_line = order.lines.get(sku=CO_CODAMOL_SKU)
    assert {item["question"]: item["answer"] for item in p_line.consultation_answers}[WHO] == "Me, 41"

    # The pharmacist signs in (with a TOTP code), signs in as responsible pharmacist, and opens the order.
    pharmacist_page = browser.new_page()
    sign_in_to_the_admin_as_the_demo_pharmacist(pharmacist_page, live_server.url)
    pharmacist_page.goto(live_server.url + reverse("admin:dispensing_responsiblepharmacistlog_changelist"))
    pharmacist_page.get_by_role("button", name="Sign in as responsible pharmacist").click()
    expect(pharmacist_page.get_by_text("You are the responsible pharmacist.")).to_be_visible()
    pharmacist_page.goto(live_server.url + reverse("admin:dispensing_orderawaitingreview_changelist"))
    pharmacist_page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="Review").click()

    # The review page shows the consultation answers, question by question.
    consultation = pharmacist_page.locator(f"#line-{p_line.pk}")
    expect(consultation.get_by_role("row", name=re.compile(re.escape(PAIN)))).to_contain_text("Toothache")
    expect(consultation.get_by_role("row", name=re.compile(re.escape(UNDERSTANDS_3_DAYS)))).to_contain_text("yes")
    pharmacist_page.screenshot(path=screenshots / "p-medicine-pharmacist-review.png", full_page=True)

    # The pharmacist refuses co-codamol with a reason from the list, and a note for the record; the ibuprofen
    # goes on.
    note = "Toothache should be seen by a dentist first; paracetamol alone is advised until then."
    consultation.get_by_label(re.compile("^Reason the shopper is told")).select_option("see_gp")
    consultation.get_by_label(re.compile("^Note for the record")).fill(note)
    consultation.get_by_role("button", name="Refuse this medicine (stock is returned)").click()
    expect(pharmacist_page.get_by_text(re.compile("refused; its stock was returned"))).to_be_visible()
    pharmacist_page.close()

    order.refresh_from_db()
    p_line.refresh_from_db()
    assert (order.status, p_line.decision, p_line.refusal_code, p_line.decision_reason) == (
        OrderStatus.APPROVED, LineDecision.REFUSED, "see_gp", note)
    assert Pack.objects.get(pk=co_codamol.pk).stock_quantity == on_sale

    # The shopper's order page says why co-codamol is not supplied: the listed text, never the note.
    page.goto(live_server.url + order.get_absolute_url())
    expect(page.locator("#order-status")).to_have_text("Approved")
    expect(page.locator(".line-refused")).to_contain_text("Please see your GP or another prescriber about this")
    expect(page.get_by_text(note)).to_have_count(0)
    page.screenshot(path=screenshots / "p-medicine-line-refused.png", full_page=True)
