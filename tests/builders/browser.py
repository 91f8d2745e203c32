"""Steps shared by the browser journeys: signing in, the delivery form, the consultation, and the axe check."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from demo.management.commands.load_demo_catalog import DEMO_TOTP_KEY_HEX
from tests.otp import code_for

PAIN = "What is the pain, and how long has the patient had it?"
WHO = "Who is the medicine for, and how old are they?"
OTHER_MEDICINES = "What other medicines (including from a shop or herbal) does the patient take?"
IBUPROFEN = "Ibuprofen 200 mg tablets, 16 tablets"

# The viewports the journeys and layout checks use: a laptop and a small phone.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def fill_delivery_details(page: Page) -> None:
    page.get_by_label("Phone number").fill("07700 900123")
    page.get_by_label("Address line 1").fill("1 High Street")
    page.get_by_label("Town or city").fill("Leeds")
    page.get_by_label("Postcode").fill("LS1 1AA")


def sign_in(page: Page, base_url: str, email: str, password: str, path: str = "/accounts/sign-in/") -> None:
    page.goto(base_url + path)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def answer_the_consultation(page: Page, *, who: str) -> None:
    """Text questions get an answer; yes/no questions "No", except the 3-day warning, which is understood."""
    section = page.locator("#consultation-section")
    expect(section.get_by_role("heading", name=re.compile("Co-codamol"))).to_be_visible()
    section.get_by_label(WHO).fill(who)
    section.get_by_label(OTHER_MEDICINES).fill("none")
    section.get_by_label(PAIN).fill("Toothache since yesterday; dentist appointment on Friday.")
    for group in section.get_by_role("group").all():
        name = group.locator("legend").inner_text()
        group.get_by_label("Yes" if name.startswith("Do you understand") else "No", exact=True).check()


def sign_in_to_the_admin_as_the_demo_pharmacist(page: Page, base_url: str) -> None:
    page.goto(base_url + "/admin/")
    page.get_by_label("Email address").or_(page.get_by_label("E-mail address")).fill("pharmacist@pharmacy.invalid")
    page.get_by_label("Password").fill("demo-pharmacist-password")
    page.get_by_label("OTP Token").fill(code_for(DEMO_TOTP_KEY_HEX))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Log out").or_(page.get_by_role("button", name="Log out"))).to_be_visible()


BLOCKING_IMPACTS = {"serious", "critical"}


def blocking_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
