"""Erasure with legal holds: the account is closed at once, everything not held is erased or anonymised,
what a law asks us to keep stays (and is restricted) until the retention clock deals with it."""

import datetime

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from cart.models import Cart
from checkout.services import place_order
from dispensing.models import RegisterEntry
from orders.models import Order
from patients.models import Patient
from prescriptions.models import Prescription
from privacy.exceptions import ErasureBlockedByOpenOrder, ErasureNotAllowed
from privacy.models import HealthDataConsent
from privacy.services.erasure import erase_account
from privacy.services.erasure.account import OPEN_ORDER_STATUSES
from privacy.services.retention import apply_retention
from tests.builders.erasure import EMAIL, NAME, PHONE, rows_naming, shopper, shopper_history
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.privacy import clock_at, years_ago
from tests.factories import PASSWORD, StaffFactory, sign_in_responsible_pharmacist

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ME_URL = "/api/v1/auth/me/"
TOKEN_URL = "/api/v1/auth/token/"


def test_after_erasure_the_shopper_cannot_sign_in_and_their_tokens_and_sessions_fail(pom_pack):
    user = shopper()
    _, key = AuthToken.objects.create(user=user)
    browser = Client()
    browser.force_login(user)
    assert browser.get("/account/privacy/").status_code == 200

    erase_account(user=user)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(ME_URL).status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()
    assert browser.get("/account/privacy/").status_code == 302  # back to the sign-in page
    sign_in = APIClient().post(TOKEN_URL, {"email": EMAIL, "password": PASSWORD}, format="json")
    assert sign_in.status_code == 400 and sign_in.json()["code"] == "invalid_credentials"
    user.refresh_from_db()
    assert (user.is_active, user.has_usable_password(), user.full_name) == (False, False, "")
    assert user.email.endswith("@erased.invalid") and user.erased_at is not None


def test_only_rows_under_a_legal_hold_still_name_the_shopper(pom_pack, pharmacist, django_capture_on_commit_callbacks):
    user = shopper()
    order, unused = shopper_history(user, pom_pack, pharmacist)
    stored_name = unused.file.name
    assert rows_naming(NAME, EMAIL, PHONE)

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        report = erase_account(user=user)
    assert unused.file.storage.exists(stored_name)  # the store is not touched before the erasure commits
    for callback in after_commit:
        callback()

    held = {("orders.Order", order.pk), ("dispensing.RegisterEntry", RegisterEntry.objects.get(order=order).pk),
            ("prescriptions.Prescription", order.prescription_id)}
    assert rows_naming(NAME, EMAIL, PHONE) <= held
    assert ("orders.Order", order.pk) in rows_naming(PHONE)  # the tax record is kept whole
    assert not Patient.objects.filter(owner=user).exists()
    assert order.lines.get().consultation_answers == []
    unused.refresh_from_db()
    assert (unused.file.name, unused.patient_name) == ("", "")
    assert not unused.file.storage.exists(stored_name)
    assert not Cart.objects.filter(user=user).exists()
    assert HealthDataConsent.objects.get(user=user).withdrawn_at is not None
    erased = {entry["kind"] for entry in report["erased"]}
    assert {"account", "health_records", "consultation_answers", "unsupplied_prescriptions", "carts"} <= erased


def test_the_report_lists_each_kept_kind_with_its_reason_source_and_end_date(pom_pack, pharmacist):
    user = shopper()
    order, _unused = shopper_history(user, pom_pack, pharmacist)

    report = erase_account(user=user)

    kept = {entry["kind"]: entry for entry in report["kept"]}
    assert {"orders", "prescription_register", "prescription_files", "prescription_records",
            "health_data_consents"} <= set(kept)
    supplied = RegisterEntry.objects.get(order=order).supplied_at.date()
    assert kept["prescription_register"]["until"] == supplied.replace(year=supplied.year + 2).isoformat()
    assert kept["orders"]["until"] >= supplied.replace(year=supplied.year + 6).isoformat()
    for entry in kept.values():
        assert entry["legal_basis"] and entry["source_url"].startswith("https://") and entry["count"] >= 1
        assert datetime.date.fromisoformat(entry["until"]) > datetime.date.today()


def test_past_every_hold_the_nightly_clock_leaves_nothing_that_names_the_shopper_and_a_second_run_nothing(
    pom_pack, pharmacist
):
    user = shopper()
    # The register's database trigger knows the real date: the history and the erasure are moved back.
    with clock_at(years_ago(7)):
        sign_in_responsible_pharmacist(pharmacist)
        order, _unused = shopper_history(user, pom_pack, pharmacist)
        report = erase_account(user=user)
    assert max(datetime.date.fromisoformat(entry["until"]) for entry in report["kept"]) < datetime.date.today()
    assert rows_naming(NAME, EMAIL, PHONE)

    first = apply_retention()

    assert rows_naming(NAME, EMAIL, PHONE) == set()
    counts = {count.kind: count.count for count in first.counts.all()}
    assert counts["orders"] == counts["prescription_register"] == counts["prescription_records"] == 1
    order.refresh_from_db()
    assert order.total_amount > 0 and RegisterEntry.objects.filter(order=order).exists()
    second = apply_retention()
    assert sum(count.count for count in second.counts.all()) == 0


def test_before_a_hold_ends_the_clock_keeps_the_record(pom_pack, pharmacist):
    user = shopper()
    order, _unused = shopper_history(user, pom_pack, pharmacist)
    erase_account(user=user)

    apply_retention()

    assert ("orders.Order", order.pk) in rows_naming(PHONE)
    assert Prescription.objects.get(pk=order.prescription_id).patient_name != ""


def test_a_staff_account_is_not_erased_here():
    staff = StaffFactory()

    with pytest.raises(ErasureNotAllowed):
        erase_account(user=staff)

    staff.refresh_from_db()
    assert staff.is_active


def test_an_order_in_progress_blocks_the_erasure_and_nothing_changes(pom_pack):
    user = shopper()
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="open",
                        prescription=uploaded_prescription(user))
    assert Order.objects.get(pk=order.pk).status in OPEN_ORDER_STATUSES

    with pytest.raises(ErasureBlockedByOpenOrder):
        erase_account(user=user)

    user.refresh_from_db()
    assert user.is_active and user.email == EMAIL
