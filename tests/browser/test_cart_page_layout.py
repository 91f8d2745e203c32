"""The cart page at desktop and phone widths: prices and buttons never wrap inside a word, and axe
finds no serious violation, with the confirmation message a quantity change shows on it."""

import pytest
from playwright.sync_api import Page, expect

from cart.services import add_to_cart, get_or_create_user_cart
from catalog.models import Pack
from tests.builders.browser import DESKTOP, PHONE, blocking_violations
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# How many lines the text of an element's first text node takes: one client rect per line box.
LINES_OF_TEXT = """element => {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT,
    {acceptNode: node => node.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
  const range = document.createRange();
  range.selectNodeContents(walker.nextNode());
  return new Set([...range.getClientRects()].filter(r => r.width > 1).map(r => Math.round(r.top))).size;
}"""


@pytest.fixture
def shopper_with_a_cart(demo_catalog):
    shopper = UserFactory(email="ada@example.org", full_name="Ada Shopper")
    cart = get_or_create_user_cart(user=shopper)
    add_to_cart(cart=cart, pack=Pack.objects.get(sku="BAC-10-84"), quantity=1)  # £12.99
    add_to_cart(cart=cart, pack=Pack.objects.get(sku="IBU-200-16"), quantity=2)
    return shopper


def test_the_cart_page_keeps_prices_and_buttons_on_one_line_and_passes_axe(
    page: Page, live_server, shopper_with_a_cart, screenshots
):
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(shopper_with_a_cart.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    problems = {}
    for width, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
        page.set_viewport_size(viewport)
        page.goto(live_server.url + "/cart/")
        # A quantity change comes back to the cart with a confirmation message (a list of messages).
        page.get_by_role("button", name="Update quantity of Baclofen").click()
        expect(page.get_by_text("quantity changed to 1")).to_be_visible()
        page.screenshot(path=str(screenshots / f"cart-layout-{width}.png"), full_page=True)

        cells = page.locator(".cart-table td.money").all()
        buttons = page.locator(".cart-table button").all()
        assert len(cells) >= 6 and len(buttons) == 4
        wrapped = {element.inner_text(): lines for element in cells + buttons
                   if (lines := element.evaluate(LINES_OF_TEXT)) != 1}
        if wrapped:
            problems[f"wrapped at {width}"] = wrapped
        if violations := blocking_violations(page):
            problems[f"axe at {width}"] = violations
        if page.evaluate("document.documentElement.scrollWidth") > viewport["width"]:
            problems[f"sideways scrolling at {width}"] = True

    assert problems == {}
