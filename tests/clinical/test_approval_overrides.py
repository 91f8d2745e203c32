"""The pharmacist cannot approve past a major or contraindicated alert without an override reason and a
note of whether the prescriber was contacted; both are recorded on the alert."""

from decimal import Decimal

import pytest

from clinical.checks import ClinicalOverride
from clinical.exceptions import ClinicalOverrideRequired
from clinical.models import OrderAlert
from orders.models import OrderStatus
from orders.services import AuthorisedItem, approve_order, approve_order_line, place_order
from tests.orders.helpers import cart_with, details, dispensing_record, uploaded_prescription

pytestmark = pytest.mark.django_db


@pytest.fixture
def baclofen_order(user, packs, health_record):
    health_record(other_medicines={"diazepam"})  # baclofen + diazepam: the major CNS-depressant alert
    cart = cart_with(user, (packs["BAC-10-84"], 1))
    return place_order(user=user, cart=cart, details=details(), idempotency_key="bac",
                       prescription=uploaded_prescription(user))


def test_cannot_approve_past_a_major_alert_without_an_override_reason(baclofen_order, pharmacist, packs):
    with pytest.raises(ClinicalOverrideRequired) as refused:
        approve_order(order=baclofen_order, pharmacist=pharmacist, record=dispensing_record((packs["BAC-10-84"], 84)))

    assert refused.value.field == "override_reason"
    assert "baclofen-cns-depressants" in refused.value.extra["alerts"]
    baclofen_order.refresh_from_db()
    assert baclofen_order.status == OrderStatus.AWAITING_REVIEW
    assert baclofen_order.prescription.status == "submitted"  # the whole approval rolled back


def test_an_override_needs_to_say_whether_the_prescriber_was_contacted(baclofen_order, pharmacist, packs):
    with pytest.raises(ClinicalOverrideRequired) as refused:
        approve_order(order=baclofen_order, pharmacist=pharmacist, record=dispensing_record((packs["BAC-10-84"], 84)),
                      override=ClinicalOverride(reason="Long-standing combination, reviewed by GP."))

    assert refused.value.field == "prescriber_contacted"


def test_the_override_is_recorded_on_the_alert(baclofen_order, pharmacist, packs):
    override = ClinicalOverride(reason="Stable on both for years; counselled on drowsiness.", prescriber_contacted=True)

    order = approve_order(order=baclofen_order, pharmacist=pharmacist,
                          record=dispensing_record((packs["BAC-10-84"], 84)), override=override)

    assert order.status == OrderStatus.APPROVED
    alert = OrderAlert.objects.get(order=order, rule_id="baclofen-cns-depressants")
    assert (alert.overridden_by, alert.prescriber_contacted) == (pharmacist, True)
    assert alert.override_reason == "Stable on both for years; counselled on drowsiness."


def test_approval_reruns_the_checks_with_the_recorded_directions(user, packs, pharmacist):
    cart = cart_with(user, (packs["BAC-10-84"], 1))
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="dose",
                        prescription=uploaded_prescription(user))
    record = dispensing_record((packs["BAC-10-84"], 84))
    record.items[0] = AuthorisedItem(pack=packs["BAC-10-84"], quantity=84, directions="40 mg three times a day",
                                     dose=Decimal("40"), dose_unit="mg", times_per_day=3)

    with pytest.raises(ClinicalOverrideRequired) as refused:
        approve_order(order=order, pharmacist=pharmacist, record=record)

    assert "baclofen-max-daily-dose" in refused.value.extra["alerts"]
    assert "80 mg a day" in refused.value.message


def test_a_pharmacy_line_past_a_major_alert_needs_an_override_too(user, packs, pharmacist):
    cart = cart_with(user, (packs["COCO-8-500-32"], 1), (packs["PARA-500-16"], 1))  # paracetamol twice
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="p-line")
    line = order.lines.get(sku="COCO-8-500-32")
    OrderAlert.objects.filter(order=order).update(line=line)

    with pytest.raises(ClinicalOverrideRequired):
        approve_order_line(line=line, pharmacist=pharmacist)
    override = ClinicalOverride(reason="Told to take only the co-codamol.", prescriber_contacted=False)
    approve_order_line(line=line, pharmacist=pharmacist, override=override)

    alert = OrderAlert.objects.get(order=order, rule_id="paracetamol-duplication")
    assert alert.is_overridden and alert.prescriber_contacted is False
