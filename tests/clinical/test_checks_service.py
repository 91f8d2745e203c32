"""The clinical checks through their service: the done-when cases of the rule table, each with its source."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from cart.selectors import list_cart_lines
from checkout.services import place_order
from clinical.models import OrderAlert
from clinical.services import advice_for_cart, review_alerts
from orders.models import Order, OrderStatus
from patients.details import PatientDetails
from prescriptions.models import PrescriptionItem
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.factories import PharmacistFactory

pytestmark = pytest.mark.django_db


def cart_alerts(user, *packs, patient=None):
    lines = list(list_cart_lines(cart=cart_with(user, *((pack, 1) for pack in packs))))
    result = advice_for_cart(user=user, cart_lines=lines, patient=patient)
    return {alert.rule_id: alert for alert in result.advice}, {alert.rule_id: alert for alert in result.refused}


def years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=30)


def test_baclofen_with_ibuprofen_raises_the_nsaid_alert_with_its_source(user, packs):
    advice, refused = cart_alerts(user, packs["BAC-10-84"], packs["IBU-200-16"])

    alert = advice["baclofen-nsaids"]
    assert alert.severity == "moderate"
    assert "ibuprofen" in alert.advice and alert.advice.startswith("Anti-inflammatory")
    assert alert.source.startswith("Our baclofen leaflet, section 2")
    assert "BNF" in alert.source
    assert set(alert.line_keys) == {"BAC-10-84", "IBU-200-16"}
    assert not refused


def test_baclofen_for_a_patient_who_declares_diazepam_raises_the_cns_depressant_alert(user, packs, health_record):
    health_record(other_medicines={"diazepam"})

    advice, _ = cart_alerts(user, packs["BAC-10-84"])

    alert = advice["baclofen-cns-depressants"]
    assert alert.severity == "major"
    assert any("diazepam" in subject for subject in alert.subjects)
    assert "BNF" in alert.source


def _supplied_order(user, pack, *, days_ago: int = 10, status=OrderStatus.DISPATCHED) -> Order:
    order = place_order(user=user, cart=cart_with(user, (pack, 1)), details=details(), idempotency_key=f"s{days_ago}")
    Order.objects.filter(pk=order.pk).update(status=status, released_by=PharmacistFactory(),
                                             created_at=timezone.now() - datetime.timedelta(days=days_ago))
    return order


def test_baclofen_for_a_patient_we_supplied_co_codamol_within_the_window_raises_the_same_alert(user, packs):
    _supplied_order(user, packs["COCO-8-500-32"], days_ago=30)

    advice, _ = cart_alerts(user, packs["BAC-10-84"])

    alert = advice["baclofen-cns-depressants"]
    assert any("Co-codamol" in subject and "supplied by us" in subject for subject in alert.subjects)


def test_supplies_outside_the_window_or_to_another_patient_do_not_count(user, packs, settings):
    settings.CLINICAL_HISTORY_DAYS = 90
    _supplied_order(user, packs["COCO-8-500-32"], days_ago=120)

    child = PatientDetails(name="Sam Child", date_of_birth=years_ago(9), is_account_holder=False)
    advice, _ = cart_alerts(user, packs["BAC-10-84"], patient=child)
    assert "baclofen-cns-depressants" not in advice
    advice, _ = cart_alerts(user, packs["BAC-10-84"])
    assert "baclofen-cns-depressants" not in advice


def test_co_codamol_with_paracetamol_raises_duplication_kept_as_advice_on_the_order(user, packs):
    cart = cart_with(user, (packs["COCO-8-500-32"], 1), (packs["PARA-500-16"], 1))

    order = place_order(user=user, cart=cart, details=details(), idempotency_key="dup")

    alert = OrderAlert.objects.get(order=order, rule_id="paracetamol-duplication")
    assert (alert.kind, alert.severity) == ("duplication", "major")
    assert alert.line.sku in {"COCO-8-500-32", "PARA-500-16"}
    assert "4 g" in alert.advice and alert.source.startswith("BNF, paracetamol")


def test_amoxicillin_for_a_patient_allergic_to_penicillins_is_contraindicated(user, packs, health_record):
    health_record(allergy_classes={"penicillins"})
    cart = cart_with(user, (packs["AMOX-500-21"], 1))

    # A prescription-only line: not refused at checkout, but the pharmacist sees the contraindication.
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="amox",
                        prescription=uploaded_prescription(user))

    alert = OrderAlert.objects.get(order=order, rule_id="amoxicillin-penicillin-allergy")
    assert (alert.kind, alert.severity) == ("allergy", "contraindicated")
    assert alert.source.startswith("Our amoxicillin leaflet, section 2")


def test_directions_of_40_mg_three_times_a_day_raise_the_maximum_dose_alert(user, packs):
    cart = cart_with(user, (packs["BAC-10-84"], 1))
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="dose",
                        prescription=uploaded_prescription(user))
    PrescriptionItem.objects.create(prescription=order.prescription, pack=packs["BAC-10-84"], quantity=84,
                                    dose=Decimal("40"), dose_unit="mg", times_per_day=3)

    alerts = {alert.rule_id: alert for alert in review_alerts(order=order)}

    leaflet = alerts["baclofen-max-daily-dose"]
    assert leaflet.severity == "major" and "120 mg a day (maximum 80 mg)" in leaflet.subjects
    assert leaflet.source.startswith("Our baclofen leaflet, section 3") and leaflet.raised_at_review
    assert alerts["baclofen-max-daily-dose-gb"].severity == "contraindicated"  # the UK 100 mg maximum


def test_directions_in_tablets_are_converted_with_the_pack_strength(user, packs, settings):
    settings.CLINICAL_JURISDICTION = "US"  # the GB-scoped 100 mg rule does not apply
    cart = cart_with(user, (packs["BAC-10-84"], 1))
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="tabs",
                        prescription=uploaded_prescription(user))
    PrescriptionItem.objects.create(prescription=order.prescription, pack=packs["BAC-10-84"], quantity=84,
                                    dose=Decimal("3"), dose_unit="tablet", times_per_day=3)  # 90 mg a day

    rule_ids = {alert.rule_id for alert in review_alerts(order=order)}

    assert "baclofen-max-daily-dose" in rule_ids
    assert "baclofen-max-daily-dose-gb" not in rule_ids
