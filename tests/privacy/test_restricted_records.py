"""Records kept under a legal hold after an erasure are restricted: staff see them only with a pharmacist's
rights or the data officer's permission, in the admin (lists, change pages) and the API."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.restriction import may_view_restricted
from accounts.roles import DATA_OFFICERS_GROUP
from dispensing.models import RegisterEntry
from privacy.models import HealthDataConsent
from privacy.services.erasure import erase_account
from tests.builders.erasure import shopper, shopper_history
from tests.factories import StaffFactory
from tests.otp import verified_token

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ADMIN_PAGES = [
    ("admin:orders_order_changelist", "admin:orders_order_change", "order"),
    ("admin:prescriptions_prescription_changelist", "admin:prescriptions_prescription_change", "prescription"),
    ("admin:dispensing_registerentry_changelist", "admin:dispensing_registerentry_change", "entry"),
    ("admin:privacy_healthdataconsent_changelist", "admin:privacy_healthdataconsent_change", "consent"),
]


@pytest.fixture
def held(pom_pack, pharmacist):
    user = shopper()
    order, _unused = shopper_history(user, pom_pack, pharmacist)
    return {"user": user, "order": order, "prescription": order.prescription,
            "entry": RegisterEntry.objects.get(order=order), "consent": HealthDataConsent.objects.get(user=user)}


@pytest.fixture
def clerk(db):
    """Staff who may read orders, prescriptions and the register, but are neither pharmacist nor data officer."""
    return StaffFactory(permissions=["view_order", "change_order", "prescriptions.view_prescription",
                                     "dispensing.view_registerentry", "privacy.view_healthdataconsent"])


def shows(client, held_records) -> dict[str, tuple[bool, int]]:
    """For each admin page: whether the list links to the record, and the status of its change page."""
    seen = {}
    for changelist, change, key in ADMIN_PAGES:
        record = held_records[key]
        link = reverse(change, args=[record.pk])
        listed = link in client.get(reverse(changelist)).content.decode()
        seen[key] = (listed, client.get(link).status_code)
    return seen


def test_held_records_vanish_for_other_staff_after_the_erasure(client, held, clerk):
    client.force_login(clerk)
    assert shows(client, held) == dict.fromkeys(["order", "prescription", "entry", "consent"], (True, 200))

    erase_account(user=held["user"])

    after = shows(client, held)
    assert {key: listed for key, (listed, _status) in after.items()} == dict.fromkeys(after, False)
    assert all(status in (302, 404) for _listed, status in after.values())  # "does not exist"
    assert not may_view_restricted(clerk)


def test_the_data_officer_and_the_pharmacist_still_see_them(client, held, pharmacist):
    officer = StaffFactory(permissions=[])
    officer.groups.add(Group.objects.get(name=DATA_OFFICERS_GROUP))
    erase_account(user=held["user"])

    client.force_login(officer)
    assert shows(client, held) == dict.fromkeys(["order", "prescription", "entry", "consent"], (True, 200))
    client.force_login(pharmacist)  # who holds no permission on the consents' evidence
    assert shows(client, held) == {**dict.fromkeys(["order", "prescription", "entry"], (True, 200)),
                                   "consent": (False, 403)}


def test_the_staff_api_answers_404_for_a_restricted_order(held, clerk):
    api = APIClient()
    _, key = verified_token(clerk)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = f"/api/v1/pharmacist/orders/{held['order'].number}/dispatch/"
    assert api.get(url).status_code == 200

    erase_account(user=held["user"])

    response = api.get(url)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
