"""The pharmacist cannot approve past a major or contraindicated alert without an override reason and a
note of whether the prescriber was contacted; both are recorded on the alert."""

from decimal import Decimal

import pytest

from checkout.services import place_order
from clinical.checks import ClinicalOverride
from clinical.exceptions import ClinicalOverrideRequired
from clinical.models import OrderAlert
from dispensing.approval import approve_order
from dispensing.decisions import approve_order_line, refuse_order_line
from orders.models import OrderStatus
from prescriptions.services import AuthorisedItem
from tests.builders.medicines import medicine_pack_of
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription

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
    # Paracetamol (GSL) added first, co-codamol (P) second: the alert involves both lines.
    cart = cart_with(user, (packs["PARA-500-16"], 1), (packs["COCO-8-500-32"], 1))
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="p-line")
    line = order.lines.get(sku="COCO-8-500-32")

    with pytest.raises(ClinicalOverrideRequired):
        approve_order_line(line=line, pharmacist=pharmacist)
    line.refresh_from_db()
    assert line.decision == "pending"
    override = ClinicalOverride(reason="Told to take only the co-codamol.", prescriber_contacted=False)
    approve_order_line(line=line, pharmacist=pharmacist, override=override)

    alert = OrderAlert.objects.get(order=order, rule_id="paracetamol-duplication")
    assert alert.is_overridden and alert.prescriber_contacted is False
    assert alert.line_ids == sorted(order.lines.values_list("pk", flat=True))
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED


def test_the_last_line_decision_checks_the_whole_order_again(user, packs, pharmacist, health_record):
    # 24 weeks pregnant: ibuprofen (GSL) raises a major alert on its own line, which needs no decision.
    health_record(sex="female", pregnant=True, pregnancy_weeks=24)
    cart = cart_with(user, (packs["IBU-200-16"], 1), (packs["COCO-8-500-32"], 1))
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="whole")
    codamol = order.lines.get(sku="COCO-8-500-32")

    with pytest.raises(ClinicalOverrideRequired) as refused:
        approve_order_line(line=codamol, pharmacist=pharmacist)

    assert refused.value.extra["alerts"] == ["nsaids-pregnancy-20-weeks"]
    order.refresh_from_db()
    codamol.refresh_from_db()
    assert (order.status, codamol.decision) == (OrderStatus.AWAITING_REVIEW, "pending")
    override = ClinicalOverride(reason="Advised paracetamol-only pain relief; ibuprofen not to be taken.",
                                prescriber_contacted=False)
    approve_order_line(line=codamol, pharmacist=pharmacist, override=override)
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert OrderAlert.objects.get(order=order, rule_id="nsaids-pregnancy-20-weeks").is_overridden


def test_refusing_the_other_line_clears_an_alert_involving_it(user, packs, pharmacist):
    cart = cart_with(user, (packs["PARA-500-16"], 1), (packs["COCO-8-500-32"], 1))
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="refuse")
    codamol = order.lines.get(sku="COCO-8-500-32")
    # Without the co-codamol, the paracetamol is not taken twice: the alert no longer stops the order.
    refuse_order_line(line=codamol, pharmacist=pharmacist, reason="not_suitable", note="Paracetamol alone is enough.")

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert not OrderAlert.objects.get(order=order, rule_id="paracetamol-duplication").is_overridden


def _baclofen_84_and_28(user, packs, key):
    baclofen_28 = medicine_pack_of(packs["BAC-10-84"], sku="BAC-10-28", pack_size=28)
    cart = cart_with(user, (packs["BAC-10-84"], 1), (baclofen_28, 1))
    order = place_order(user=user, cart=cart, details=details(), idempotency_key=key,
                        prescription=uploaded_prescription(user))
    return order, baclofen_28


def _item(pack, quantity, mg):
    return AuthorisedItem(pack=pack, quantity=quantity, directions=f"{mg} mg three times a day", dose=Decimal(mg),
                          dose_unit="mg", times_per_day=3)


def test_one_item_covering_two_packs_counts_its_dose_once(user, packs, pharmacist):
    order, _ = _baclofen_84_and_28(user, packs, "once")
    record = dispensing_record()
    record.items.append(_item(packs["BAC-10-84"], 112, "15"))  # 45 mg a day, whichever pack it comes from

    order = approve_order(order=order, pharmacist=pharmacist, record=record)

    assert order.status == OrderStatus.APPROVED
    assert not OrderAlert.objects.filter(order=order, kind="max_daily_dose").exists()


def test_items_of_one_medicine_and_strength_add_up(user, packs, pharmacist):
    order, baclofen_28 = _baclofen_84_and_28(user, packs, "sum")
    record = dispensing_record()
    record.items.extend([_item(packs["BAC-10-84"], 84, "15"), _item(baclofen_28, 28, "15")])

    with pytest.raises(ClinicalOverrideRequired) as refused:
        approve_order(order=order, pharmacist=pharmacist, record=record)

    assert "baclofen-max-daily-dose" in refused.value.extra["alerts"]
