"""Once-weekly medicines: directions say on which days the dose is taken (`every_days`), the dose rules read
the amount taken on a dosing day, and methotrexate written as more often than weekly raises a major alert,
through the pure checks and through the pharmacist's API."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from checkout.services import place_order
from clinical.checks import ActiveIngredient, Directions, Medicine, run_checks
from clinical.models import OrderAlert
from clinical.rule_table import RuleFileError, load_rule_table, rule_table
from orders.models import OrderStatus
from patients.facts import PatientFacts
from prescriptions.models import PrescriptionItem
from tests.builders.api import assert_problem
from tests.builders.orders import cart_with, details, prescription_patient_fields, uploaded_prescription
from tests.factories import PackFactory, ProductFactory

TODAY = date(2026, 6, 1)
ADULT = PatientFacts(date_of_birth=date(1980, 1, 1))
QUEUE_URL = "/api/v1/pharmacist/orders/"


def methotrexate(**directions) -> Medicine:
    return Medicine(name="Methotrexate 2.5 mg tablets", key="MTX", atc_code="L04AX03", legal_category="prescription",
                    ingredients=(ActiveIngredient("methotrexate", Decimal("2.5")),),
                    directions=Directions(dose_unit="tablet", times_per_day=1, **directions))


def alerts(line: Medicine) -> dict[str, tuple]:
    return {alert.rule_id: (alert.severity, alert.subjects)
            for alert in run_checks(table=rule_table(), lines=[line], facts=ADULT, today=TODAY, jurisdiction="GB")}


def test_methotrexate_every_day_raises_the_once_weekly_alert():
    found = alerts(methotrexate(dose=Decimal("4"), every_days=1))

    severity, subjects = found["methotrexate-once-weekly"]
    assert severity == "major"
    assert subjects == ("Methotrexate 2.5 mg tablets", "directions: every day (at least every 7 days)")


@pytest.mark.parametrize("every_days", [2, 6])
def test_methotrexate_more_often_than_weekly_is_named_with_its_interval(every_days):
    _severity, subjects = alerts(methotrexate(dose=Decimal("4"), every_days=every_days))["methotrexate-once-weekly"]

    assert subjects[-1] == f"directions: every {every_days} days (at least every 7 days)"


def test_ten_mg_once_a_week_is_quiet_and_thirty_mg_on_the_day_is_over_the_maximum():
    assert alerts(methotrexate(dose=Decimal("4"), every_days=7)) == {}

    found = alerts(methotrexate(dose=Decimal("12"), every_days=7))

    assert "methotrexate-once-weekly" not in found
    assert found["methotrexate-max-daily-dose"][1][-1] == "30 mg a day (maximum 25 mg)"


def test_as_directed_says_nothing_about_the_interval():
    line = Medicine(name="Methotrexate 2.5 mg tablets", key="MTX", ingredients=(ActiveIngredient("methotrexate"),),
                    directions=Directions(as_directed=True))

    assert "methotrexate-once-weekly" not in alerts(line)


def test_a_dosing_interval_rule_needs_an_interval_of_at_least_two_days(tmp_path):
    (tmp_path / "rules.yaml").write_text(
        "version: 1\nrules:\n  - id: weekly\n    kind: dosing_interval\n    subjects: [methotrexate]\n"
        "    min_days_between_doses: 1\n    severity: major\n    message: m\n    advice: a\n    source: s\n")

    with pytest.raises(RuleFileError, match="weekly.*min_days_between_doses"):
        load_rule_table(tmp_path)


@pytest.fixture
def methotrexate_order(user):
    """An order of methotrexate 2.5 mg tablets awaiting the pharmacist, and its dispensing record's fields."""
    product = ProductFactory(name="Methotrexate 2.5 mg tablets", legal_category="prescription", atc_code="L04AX03")
    pack = PackFactory(product=product, sku="MTX-2.5-24", pack_size=24, strength=Decimal("2.5"))
    order = place_order(user=user, cart=cart_with(user, (pack, 1)), details=details(), idempotency_key="mtx",
                        prescription=uploaded_prescription(user))
    record = {"prescriber_name": "Dr Grace Prescriber", "prescriber_registration": "7123456",
              "issued_on": date.today().isoformat(), **prescription_patient_fields(pack.sku)}
    item = {"sku": pack.sku, "quantity": 24, "dose": "4", "dose_unit": "tablet", "times_per_day": 1}
    return order, record, item


@pytest.mark.django_db
def test_the_pharmacist_records_a_weekly_dose_and_a_daily_one_needs_an_override(pharmacist_client, methotrexate_order):
    order, record, item = methotrexate_order
    url = f"{QUEUE_URL}{order.number}/approve/"

    body = assert_problem(pharmacist_client.post(url, {**record, "items": [item]}, format="json"), 422,
                          code="clinical_override_required")
    assert "methotrexate-once-weekly" in body["detail"]
    assert not PrescriptionItem.objects.exists()  # nothing recorded while refused

    response = pharmacist_client.post(url, {**record, "items": [{**item, "every_days": 7}]}, format="json")

    assert response.status_code == 200, response.content
    assert PrescriptionItem.objects.get().every_days == 7
    assert not OrderAlert.objects.filter(order=order, rule_id="methotrexate-once-weekly").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("every_days", [0, 29, "7"])
def test_the_api_refuses_an_interval_out_of_range_or_not_a_number(pharmacist_client, methotrexate_order, every_days):
    order, record, item = methotrexate_order

    response = pharmacist_client.post(f"{QUEUE_URL}{order.number}/approve/",
                                      {**record, "items": [{**item, "every_days": every_days}]}, format="json")

    assert_problem(response, 400, field="items[0].every_days")
    order.refresh_from_db()
    assert order.status == "awaiting_review"


@pytest.mark.django_db
def test_the_admin_review_records_once_a_week_and_approves_without_an_override(client, pharmacist,
                                                                                methotrexate_order):
    order, record, item = methotrexate_order
    pack = order.lines.get().pack
    post = {
        "_approve": "1", **{f"record-{name}": value for name, value in record.items()},
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "1000",
        "items-0-pack": str(pack.pk), "items-0-quantity": "24", "items-0-directions": "Four tablets every Monday",
        "items-0-dose": "4", "items-0-dose_unit": "tablet", "items-0-times_per_day": "1", "items-0-every_days": "7",
    }
    client.force_login(pharmacist)
    url = reverse("admin:orders_order_review", args=[order.pk])
    assert "Every … days" in client.get(url).content.decode()

    client.post(url, post)

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert order.prescription.items.get().every_days == 7
