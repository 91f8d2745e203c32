"""A new pharmacist on the review page, in a real browser: the responsible-pharmacist sign-in is a button on
the page and comes back to the order, and the review form lines up as the admin's other forms do, each label
beside its field. Screenshots: test-artifacts/screenshots/review-page-*.png."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import Page, expect

from checkout.services import place_order
from prescriptions.services import submit_prescription
from tests.builders.orders import cart_with, details, image_bytes
from tests.factories import PASSWORD, PharmacistFactory
from tests.otp import TEST_TOTP_KEY_HEX, code_for, device_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photographed_prescription(user):
    """A photo of the paper prescription, as shoppers often send: the page shows it as an image. (The suite's
    minimal PDF has no page, so Chromium's PDF viewer shows an error in an embedded frame, which once left
    the sign-in button's form unsent within the test's time.)"""
    scan = SimpleUploadedFile("prescription.png", image_bytes("PNG"), content_type="image/png")
    return submit_prescription(owner=user, uploaded_file=scan)


def sign_in_to_the_admin(page: Page, base_url: str, email: str) -> None:
    page.goto(base_url + "/admin/")
    page.get_by_label("Email address").or_(page.get_by_label("E-mail address")).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("OTP Token").fill(code_for(TEST_TOTP_KEY_HEX))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))).to_be_visible()


def test_a_new_pharmacist_signs_in_as_rp_from_the_review_page_and_reads_an_aligned_form(
    page: Page, live_server, user, pom_pack, screenshots
):
    pharmacist = PharmacistFactory()  # registered, and nobody is the responsible pharmacist yet
    device_for(pharmacist)
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="b",
                        prescription=photographed_prescription(user))
    sign_in_to_the_admin(page, live_server.url, pharmacist.email)

    page.goto(live_server.url + reverse("admin:orders_order_review", args=[order.pk]))
    notice = page.locator("#responsible-pharmacist")
    expect(notice).to_contain_text("sign in as the responsible pharmacist first")
    page.screenshot(path=screenshots / "review-page-rp-sign-in.png", full_page=True)
    # Wait for the answer to the sign-in itself: the message on the page it comes back to.
    notice.get_by_role("button", name="Sign in as responsible pharmacist").click()

    expect(page.get_by_text("You are the responsible pharmacist.")).to_be_visible(timeout=30_000)
    expect(page).to_have_title(re.compile(f"^Review order {order.number}"))
    expect(page.locator("#responsible-pharmacist")).to_have_count(0)

    # Each field of the dispensing record sits on its own row, its label to the left of it, as on any
    # admin change form: the labels line up in one column, and the fields in another.
    label_lefts, field_lefts = set(), set()
    for name, label in (("prescriber_name", "Prescriber's name"), ("issued_on", "Date of issue"),
                        ("valid_until", "Valid until")):
        label_element = page.locator(f'label[for="id_record-{name}"]')
        expect(label_element).to_contain_text(label)
        label_box, field_box = page.evaluate(  # both at once: the prescription's viewer may still move the page
            """name => [document.querySelector(`label[for="id_record-${name}"]`), document.getElementById(
                `id_record-${name}`)].map(element => element.getBoundingClientRect().toJSON())""", name)
        assert label_box["x"] + label_box["width"] <= field_box["x"] + 1, name  # beside, not above
        assert abs(label_box["y"] - field_box["y"]) < field_box["height"], name  # on the same row
        label_lefts.add(round(label_box["x"]))
        field_lefts.add(round(field_box["x"]))
    assert len(label_lefts) == 1 and len(field_lefts) == 1  # a column of labels, and one of fields
    page.screenshot(path=screenshots / "review-page-aligned-form.png", full_page=True)
