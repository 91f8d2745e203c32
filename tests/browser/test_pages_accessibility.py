"""Screenshots of the storefront at desktop and phone widths, and axe-core on each page: no serious or
critical violation. Screenshots go to test-artifacts/screenshots/ (kept by CI, ignored by git)."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from cart.services import add_to_cart, get_or_create_user_cart
from catalog.models import Pack
from checkout.services import CheckoutDetails, place_order
from prescriptions.services import submit_prescription
from tests.builders.browser import DESKTOP, PHONE, blocking_violations
from tests.builders.orders import pdf_upload
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": DESKTOP, "phone": PHONE}




def test_the_accessibility_check_catches_a_broken_page(page: Page):
    page.set_content('<html><body><input type="text"><p style="color:#ddd">faint</p></body></html>')

    found = {violation.split(" ")[0] for violation in blocking_violations(page)}

    assert {"label", "color-contrast", "html-has-lang", "document-title"} <= found


@pytest.fixture
def shopper_with_an_order_and_a_full_cart(demo_catalog):
    shopper = UserFactory(email="ada@example.org", full_name="Ada Shopper")
    cart = get_or_create_user_cart(user=shopper)
    baclofen = Pack.objects.get(sku="BAC-10-84")
    add_to_cart(cart=cart, pack=baclofen, quantity=1)
    add_to_cart(cart=cart, pack=Pack.objects.get(sku="IBU-200-16"), quantity=2)
    order = place_order(
        user=shopper, cart=cart, idempotency_key=str(uuid.uuid4()),
        prescription=submit_prescription(owner=shopper, uploaded_file=pdf_upload()),
        details=CheckoutDetails(full_name="Ada Shopper", email="ada@example.org", phone="07700 900123",
                                address_line1="1 High Street", city="Leeds", postcode="LS1 1AA"),
    )
    add_to_cart(cart=cart, pack=baclofen, quantity=1)
    add_to_cart(cart=cart, pack=Pack.objects.get(sku="IBU-200-16"), quantity=1)
    return shopper, order


def test_storefront_pages_have_no_serious_accessibility_violations_at_desktop_and_phone_widths(
    page: Page, live_server, shopper_with_an_order_and_a_full_cart, screenshots
):
    shopper, order = shopper_with_an_order_and_a_full_cart
    pages = {
        "sign-in": "/accounts/sign-in/",
        "sign-up": "/accounts/sign-up/",
        "product": "/medicines/baclofen-tablets/",
    }
    signed_in_pages = {
        "cart": "/cart/",
        "checkout": "/checkout/",
        "order-detail": order.get_absolute_url(),
        "order-list": "/orders/",
        "prescriptions": "/prescriptions/",
        "health-records": "/health-records/",
        "health-record-add": "/health-records/add/",
    }
    problems: dict[str, list[str]] = {}

    def check(name: str, width: str) -> None:
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
        if violations := blocking_violations(page):
            problems[f"{name} at {width}"] = violations

    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            check(name, width)
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(shopper.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {shopper.email}.")).to_be_visible()
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        for name, path in signed_in_pages.items():
            page.goto(live_server.url + path)
            check(name, width)
        # The checkout as it comes back refused, with errors next to the fields.
        page.goto(live_server.url + "/checkout/")
        page.get_by_label("Phone number").fill("")
        page.get_by_role("button", name="Place order").click()
        expect(page.get_by_role("alert")).to_be_visible()
        check("checkout-refused", width)

    assert problems == {}
    for width in WIDTHS:
        for name in ("product", "cart", "checkout", "order-detail"):
            assert (screenshots / f"{name}-{width}.png").stat().st_size > 0


def test_pages_fit_a_phone_without_sideways_scrolling(
    page: Page, live_server, shopper_with_an_order_and_a_full_cart
):
    shopper, order = shopper_with_an_order_and_a_full_cart
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(shopper.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    too_wide = {}
    for path in ("/medicines/baclofen-tablets/", "/cart/", "/checkout/", order.get_absolute_url(), "/orders/",
                 "/prescriptions/", "/health-records/", "/health-records/add/"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width

    assert too_wide == {}


def test_the_checkout_can_be_completed_with_the_keyboard_alone(
    page: Page, live_server, shopper_with_an_order_and_a_full_cart
):
    shopper, _ = shopper_with_an_order_and_a_full_cart
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(shopper.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Signed in as {shopper.email}.")).to_be_visible()
    page.goto(live_server.url + "/checkout/")

    page.get_by_label(re.compile(r"^Full name")).focus()
    focus_order = []
    for _ in range(24):  # the patient section (a radio group, a name, a date) comes before the prescription
        focus_order.append(page.evaluate("document.activeElement.name || document.activeElement.innerText"))
        page.keyboard.press("Tab")

    expected = ["full_name", "email", "phone", "address_line1", "address_line2", "city", "postcode"]
    assert focus_order[:len(expected)] == expected
    assert "prescription" in focus_order  # the radio group for the prescription already in the account
    assert "Place order" in focus_order
