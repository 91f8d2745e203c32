"""A copy of the shopper's data in a real browser: asked for on the account's privacy page, its status shown
(built by the eager task as the request commits), downloaded as a ZIP that holds the shopper's order and
child's health record; the page has no serious accessibility violation at desktop and phone widths."""

import datetime
import json
import re
import uuid
import zipfile

import pytest
from playwright.sync_api import Page, expect

from cart.services import add_to_cart, get_or_create_user_cart
from checkout.services import CheckoutDetails, place_order
from privacy.models import DataExport, ExportStatus
from tests.builders.browser import DESKTOP, PHONE, blocking_violations, sign_in
from tests.builders.patients import child_record
from tests.factories import PASSWORD, PackFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_shopper_asks_for_a_copy_of_their_data_and_downloads_it(page: Page, live_server, screenshots, tmp_path):
    shopper = UserFactory(email="ada@example.org", full_name="Ada Shopper")
    child_record(shopper, name="Sam Shopper", date_of_birth=datetime.date(2016, 2, 3))
    cart = get_or_create_user_cart(user=shopper)
    add_to_cart(cart=cart, pack=PackFactory(), quantity=1)
    order = place_order(user=shopper, cart=cart, idempotency_key=str(uuid.uuid4()),
                        details=CheckoutDetails(full_name="Ada Shopper", email="ada@example.org", phone="07700 900123",
                                                address_line1="1 High Street", city="Leeds", postcode="LS1 1AA"))
    sign_in(page, live_server.url, shopper.email, PASSWORD)

    page.goto(live_server.url + "/account/privacy/")
    section = page.get_by_role("region", name="A copy of your data")
    expect(section).to_be_visible()
    section.get_by_role("button", name="Request a copy of my data").click()

    expect(page.get_by_text("We are preparing a copy of your data")).to_be_visible()
    page.reload()  # the e-mail's moment: the export was built when the request committed
    expect(page.locator("#export-status")).to_contain_text("is ready")
    problems = {}
    for width, viewport in {"desktop": DESKTOP, "phone": PHONE}.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(screenshots / f"privacy-data-export-{width}.png"), full_page=True)
        if violations := blocking_violations(page):
            problems[width] = violations
    assert problems == {}

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download my data (ZIP)").click()
    download = downloading.value
    assert re.fullmatch(r"my-data-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        data = json.loads(archive.read("export.json"))
        archive.extract("export.html", tmp_path)
    # The readable part opens on its own, offline, and is accessible too.
    page.goto((tmp_path / "export.html").as_uri())
    expect(page.get_by_role("heading", name="Sam Shopper")).to_be_visible()
    page.screenshot(path=str(screenshots / "privacy-data-export-html.png"), full_page=True)
    assert blocking_violations(page) == []
    assert [placed["number"] for placed in data["orders"]] == [order.number]
    assert sorted(record["name"] for record in data["health_records"]) == ["Ada Shopper", "Sam Shopper"]
    assert DataExport.objects.get(user=shopper).status == ExportStatus.READY
    assert (screenshots / "privacy-data-export-desktop.png").stat().st_size > 0
