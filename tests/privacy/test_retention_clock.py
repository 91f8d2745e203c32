"""The retention clock: records are made with the clock set years back, then the nightly run applies the
policy as of today. What expired is deleted or anonymised, what has not stays, and a second run changes
nothing. The register rows past two years hold no personal data, yet the register still records the supply."""

import datetime
import logging

import pytest
from django.db import connection, transaction
from django.utils import timezone

from dispensing.models import RegisterEntry
from orders.models import Order, OrderLine
from patients.models import HealthRecordAccess, Patient
from patients.services import account_holder_record
from pharmacy.metrics import pharmacy_registry
from prescriptions.models import Prescription
from privacy.models import ConsentInterface, HealthDataConsent, RetentionRun
from privacy.services import give_consent, withdraw_consent
from privacy.services.retention import apply_retention
from tests.builders.dispensing import supply
from tests.builders.patients import child_record
from tests.builders.privacy import clock_at, published_notice, years_ago
from tests.factories import UserFactory, sign_in_responsible_pharmacist

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PERSONAL = ("Ada Shopper", "ada@example.org", "07700 900123", "1 High Street")


@pytest.fixture
def user(db):
    """A shopper who consents in the story told below, when the clock says so."""
    return UserFactory(health_data_consent=False)


def shopper_history(user, pom_pack, pharmacist, *, at: datetime.datetime) -> Order:
    """At `at`: a dispatched prescription order (register entry, file, consultation answers on its line),
    a staff view of the shopper's record, and a consent given then withdrawn."""
    with clock_at(at):
        sign_in_responsible_pharmacist(pharmacist)  # the responsible pharmacist of that day
        notice = published_notice()
        give_consent(user=user, interface=ConsentInterface.API, notice_number=notice.number)
        order = supply(user, pom_pack, pharmacist, key=f"k-{at:%Y}", units=84)
        OrderLine.objects.filter(order=order).update(
            consultation_answers=[{"question": "Who is it for?", "answer_type": "text", "answer": "Me"}]
        )
        HealthRecordAccess.objects.create(
            staff=pharmacist, patient=account_holder_record(user=user), patient_reference=1, channel="admin_record"
        )
        withdraw_consent(user=user)
    return order


def contains_personal_data(order: Order) -> bool:
    order.refresh_from_db()
    return any(value in (order.full_name, order.email, order.phone, order.address_line1) for value in PERSONAL)


def test_seven_years_on_everything_past_its_retention_is_deleted_or_anonymised_once(user, pom_pack, pharmacist, caplog):
    order = shopper_history(user, pom_pack, pharmacist, at=years_ago(7))
    prescription = Prescription.objects.get(pk=order.prescription_id)
    storage, stored_name = prescription.file.storage, prescription.file.name
    assert storage.exists(stored_name)

    with caplog.at_level(logging.INFO, logger="privacy.services.retention"):
        run = apply_retention()

    counts = {count.kind: count.count for count in run.counts.all()}
    assert counts["orders"] == 1 and counts["prescription_register"] == 1 and counts["prescription_files"] == 1
    assert counts["consultation_answers"] == 1 and counts["access_logs"] == 1
    assert counts["health_data_consents"] == 1 and counts["payment_movements"] == 0
    assert not contains_personal_data(order)
    order.refresh_from_db()
    assert order.total_amount > 0 and order.lines.count() == 1  # the accounts keep their figures
    entry = RegisterEntry.objects.get(order=order)
    assert (entry.patient_name, entry.patient_address) == ("", "")
    assert (entry.medicine, entry.quantity, entry.prescriber_registration) == (
        pom_pack.product.name,
        84,
        "7123456",
    )  # the supply itself stays in the register
    prescription.refresh_from_db()
    assert prescription.file.name == "" and not storage.exists(stored_name)
    assert (prescription.patient_name, prescription.patient_date_of_birth) == ("", None)
    assert OrderLine.objects.get(order=order).consultation_answers == []
    assert not HealthRecordAccess.objects.exists() and not HealthDataConsent.objects.filter(user=user).exists()
    # One log line per kind, naming counts, never a person.
    lines = [record.getMessage() for record in caplog.records if record.name == "privacy.services.retention"]
    assert len(lines) == len(counts)
    assert not any(value in line for line in lines for value in (*PERSONAL, user.email))

    second = apply_retention()

    assert {count.kind: count.count for count in second.counts.all()} == dict.fromkeys(counts, 0)


def test_three_years_on_the_register_is_anonymised_but_the_tax_records_are_kept(user, pom_pack, pharmacist):
    order = shopper_history(user, pom_pack, pharmacist, at=years_ago(3))

    run = apply_retention()

    counts = {count.kind: count.count for count in run.counts.all()}
    assert counts["prescription_register"] == 1 and counts["orders"] == 0
    assert contains_personal_data(order)
    assert RegisterEntry.objects.get(order=order).patient_name == ""


def test_a_year_on_nothing_has_expired(user, pom_pack, pharmacist):
    order = shopper_history(user, pom_pack, pharmacist, at=years_ago(1))

    run = apply_retention()

    assert sum(count.count for count in run.counts.all()) == 0
    assert RegisterEntry.objects.get(order=order).patient_name != ""
    assert Prescription.objects.get(pk=order.prescription_id).file.name != ""


def test_the_database_refuses_to_anonymise_a_register_entry_younger_than_two_years(user, pom_pack, pharmacist):
    order = shopper_history(user, pom_pack, pharmacist, at=years_ago(1, days=360))

    with pytest.raises(Exception, match="cannot be changed"), transaction.atomic():
        RegisterEntry.objects.filter(order=order).update(patient_name="", patient_address="")
    with pytest.raises(Exception, match="cannot be changed"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE dispensing_registerentry SET patient_name = '', patient_address = '', quantity = 1")
    assert RegisterEntry.objects.get(order=order).patient_name != ""


def test_an_old_register_entry_may_lose_its_patient_and_nothing_else(user, pom_pack, pharmacist):
    order = shopper_history(user, pom_pack, pharmacist, at=years_ago(3))

    with pytest.raises(Exception, match="cannot be changed"), transaction.atomic():
        RegisterEntry.objects.filter(order=order).update(patient_name="", patient_address="", quantity=1)
    with pytest.raises(Exception, match="cannot be changed"), transaction.atomic():
        RegisterEntry.objects.filter(order=order).delete()


def test_health_records_of_a_closed_account_go_after_thirty_days_and_others_stay(user, pom_pack, pharmacist):
    closed = UserFactory(is_active=False, last_login=timezone.now() - datetime.timedelta(days=31))
    with clock_at(timezone.now() - datetime.timedelta(days=40)):
        child_record(closed)
    recent = UserFactory(is_active=False, last_login=timezone.now() - datetime.timedelta(days=5))
    child_record(recent)
    child_record(user)
    kept = set(Patient.objects.exclude(owner=closed).values_list("pk", flat=True))
    closed_records = Patient.objects.filter(owner=closed).count()

    run = apply_retention()

    assert closed_records >= 1
    assert run.counts.get(kind="closed_account_health_records").count == closed_records
    assert set(Patient.objects.values_list("pk", flat=True)) == kept


def test_the_last_run_counts_are_on_the_pharmacy_metrics(user, pom_pack, pharmacist):
    shopper_history(user, pom_pack, pharmacist, at=years_ago(7))
    apply_retention()

    samples = {
        (metric.name, tuple(sorted(sample.labels.items()))): sample.value
        for metric in pharmacy_registry.collect()
        for sample in metric.samples
    }

    assert samples[("pharmacy_retention_last_run_records", (("action", "anonymise"), ("kind", "orders")))] == 1
    assert samples[("pharmacy_retention_records", (("kind", "prescription_register"),))] == 1
    assert RetentionRun.objects.count() == 1
