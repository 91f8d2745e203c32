"""Repeatable prescriptions through the services: the terms the pharmacist records, the issue each order
takes, and the refusals (too early, none left, Schedule 2/3)."""

import datetime

import pytest
from django.utils import timezone

from cart.services import get_or_create_user_cart
from checkout.services import place_order
from checkout.services.reorders import add_prescription_to_cart
from dispensing.approval import approve_order, dispatch_order
from dispensing.exceptions import ReleaseRefused
from dispensing.originals import record_electronic_verified
from orders.models import OrderStatus
from orders.services import cancel_order
from prescriptions.exceptions import (
    InvalidDispensingRecord,
    PrescriptionExpired,
    PrescriptionNotRepeatable,
    RepeatsExhausted,
    RepeatTooEarly,
)
from prescriptions.models import Prescription, PrescriptionIssue
from prescriptions.services import approve_prescription
from prescriptions.services.repeats import check_repeat_available, repeat_status
from tests.builders.orders import cart_with, details, dispensing_record, eps_id, uploaded_prescription
from tests.builders.repeats import days_since_last_issue, first_issue, repeatable_record
from tests.factories import PackFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


def reorder(user, prescription, key: str):
    cart = get_or_create_user_cart(user=user)
    add_prescription_to_cart(user=user, prescription=prescription, cart=cart)
    return place_order(user=user, cart=cart, details=details(), idempotency_key=key, prescription=prescription)


def test_the_approved_first_order_is_issue_one_of_the_default_two(user, pharmacist, pom_pack):
    order = first_issue(user, pharmacist, pom_pack)

    prescription = Prescription.objects.get(pk=order.prescription_id)
    assert (prescription.repeatable, prescription.issues_authorised, prescription.repeat_interval_days) == (
        True, None, 28)
    assert list(prescription.issues.values_list("order_id", "number")) == [(order.pk, 1)]
    status = repeat_status(prescription)
    assert (status.issues_allowed, status.issues_used, status.issues_left) == (2, 1, 1)
    assert status.next_issue_on == timezone.localdate() + datetime.timedelta(days=28)


def test_a_repeat_too_early_is_refused_with_the_date_it_becomes_possible(user, pharmacist, pom_pack):
    prescription = first_issue(user, pharmacist, pom_pack, interval_days=28).prescription
    days_since_last_issue(prescription, 10)
    expected = timezone.localdate() + datetime.timedelta(days=18)

    with pytest.raises(RepeatTooEarly) as refusal:
        reorder(user, prescription, "again")

    assert refusal.value.extra["available_on"] == expected.isoformat()
    assert f"{expected:%d %B %Y}" in refusal.value.message
    assert refusal.value.field == "prescription"
    assert not get_or_create_user_cart(user=user).lines.exists()  # nothing was put in the cart
    assert prescription.orders.count() == 1


def test_a_repeat_after_its_interval_is_placed_without_a_new_upload_and_waits_for_the_pharmacist(
    user, pharmacist, pom_pack
):
    prescription = first_issue(user, pharmacist, pom_pack).prescription
    prescription.valid_until = timezone.localdate() - datetime.timedelta(days=1)  # six months ran out
    prescription.save(update_fields=["valid_until"])  # ...after the first issue: repeats are still in date
    days_since_last_issue(prescription, 28)

    repeat = reorder(user, prescription, "again")

    assert repeat.status == OrderStatus.AWAITING_REVIEW
    assert repeat.prescription_id == prescription.pk
    assert Prescription.objects.filter(owner=user).count() == 1  # no new upload
    assert repeat.prescription_issue.number == 2
    assert [line.units for line in repeat.lines.all()] == [84]  # the whole allowance again, per issue
    approve_order(order=repeat, pharmacist=pharmacist)  # reviewed like any supply; no new record needed
    repeat.refresh_from_db()
    assert repeat.status == OrderStatus.APPROVED


def test_issues_exhausted_are_refused(user, pharmacist, pom_pack):
    prescription = first_issue(user, pharmacist, pom_pack, interval_days=7).prescription
    days_since_last_issue(prescription, 7)
    reorder(user, prescription, "second")
    days_since_last_issue(prescription, 7)

    with pytest.raises(RepeatsExhausted) as refusal:
        reorder(user, prescription, "third")

    assert "2 times" in refusal.value.message
    assert PrescriptionIssue.objects.filter(prescription=prescription).count() == 2


def test_a_stated_number_of_issues_replaces_the_default(user, pharmacist, pom_pack):
    prescription = first_issue(user, pharmacist, pom_pack, issues=3, interval_days=1).prescription
    for key in ("second", "third"):
        days_since_last_issue(prescription, 1)
        reorder(user, prescription, key)
    days_since_last_issue(prescription, 1)

    with pytest.raises(RepeatsExhausted):
        check_repeat_available(prescription=prescription)


def test_oral_contraceptives_default_to_six_issues(user, pharmacist):
    pill = ProductFactory(name="Levonorgestrel with ethinylestradiol tablets", slug="pill",
                          legal_category="prescription", atc_code="G03AA07")
    pack = PackFactory(product=pill, sku="PILL-63", pack_size=63)

    prescription = first_issue(user, pharmacist, pack).prescription

    assert repeat_status(prescription).issues_allowed == 6


def test_a_cancelled_repeat_frees_its_issue(user, pharmacist, pom_pack):
    prescription = first_issue(user, pharmacist, pom_pack).prescription
    days_since_last_issue(prescription, 30)
    repeat = reorder(user, prescription, "second")
    with pytest.raises(RepeatsExhausted):
        check_repeat_available(prescription=prescription)

    cancel_order(order=repeat, actor=user)

    assert check_repeat_available(prescription=prescription) == 2  # the issue is free again
    again = reorder(user, prescription, "third")
    assert again.prescription_issue.number == 2
    assert PrescriptionIssue.objects.filter(prescription=prescription).count() == 3  # the freed one stays as history


@pytest.mark.parametrize("schedule", [2, 3])
def test_schedule_2_and_3_controlled_drugs_cannot_be_made_repeatable(user, pharmacist, schedule):
    product = ProductFactory(name=f"Controlled {schedule}", slug=f"controlled-{schedule}",
                             legal_category="prescription", controlled_drug_schedule=schedule)
    pack = PackFactory(product=product, sku=f"CD-{schedule}", pack_size=30)
    prescription = uploaded_prescription(user)
    record = repeatable_record((pack, 30), valid_days=20)

    with pytest.raises(InvalidDispensingRecord) as refusal:
        approve_prescription(prescription=prescription, pharmacist=pharmacist, record=record)

    assert refusal.value.field == "repeatable"
    assert f"Schedule {schedule}" in refusal.value.message
    prescription.refresh_from_db()
    assert (prescription.status, prescription.repeatable) == ("submitted", False)


def test_a_repeatable_prescription_needs_an_interval(user, pharmacist, pom_pack):
    record = repeatable_record((pom_pack, 84), interval_days=None)

    with pytest.raises(InvalidDispensingRecord) as refusal:
        approve_prescription(prescription=uploaded_prescription(user), pharmacist=pharmacist, record=record)

    assert refusal.value.field == "repeat_interval_days"


def test_a_prescription_that_is_not_repeatable_cannot_be_ordered_again(user, pharmacist, pom_pack):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user))
    order = approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))

    with pytest.raises(PrescriptionNotRepeatable):
        add_prescription_to_cart(user=user, prescription=order.prescription, cart=get_or_create_user_cart(user=user))

    assert not PrescriptionIssue.objects.exists()  # issues are kept for repeatable prescriptions only


def test_repeats_end_a_year_after_the_date_of_issue(user, pharmacist, pom_pack):
    prescription = first_issue(user, pharmacist, pom_pack, interval_days=28).prescription
    prescription.issued_on = timezone.localdate() - datetime.timedelta(days=350)  # repeats end in 15 days
    prescription.valid_until = prescription.issued_on + datetime.timedelta(days=180)
    prescription.save(update_fields=["issued_on", "valid_until"])
    days_since_last_issue(prescription, 10)  # the next issue would be due in 18 days: too late

    with pytest.raises(PrescriptionExpired) as refusal:
        check_repeat_available(prescription=prescription)

    assert "after repeats end on" in refusal.value.message
    assert repeat_status(prescription).next_issue_on is None  # no "order again" button is offered


def test_the_six_months_bind_the_earliest_live_issue_not_the_number_a_freed_slot_gives(user, pharmacist, pom_pack):
    first = first_issue(user, pharmacist, pom_pack, issues=2, interval_days=7)
    prescription = first.prescription
    days_since_last_issue(prescription, 7)
    second = reorder(user, prescription, "second")
    cancel_order(order=first, actor=user)  # frees issue 1; the second order is now the earliest live issue
    prescription.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    prescription.save(update_fields=["valid_until"])
    days_since_last_issue(prescription, 7)

    again = reorder(user, prescription, "third")

    assert (second.prescription_issue.number, again.prescription_issue.number) == (2, 1)
    assert again.status == OrderStatus.AWAITING_REVIEW  # a repeat: within the repeats' end, not the six months


def test_a_repeat_is_dispatched_past_the_six_months_and_the_first_issue_is_not(user, pharmacist, pom_pack):
    staff = StaffFactory()
    first = first_issue(user, pharmacist, pom_pack)
    prescription = record_electronic_verified(prescription=first.prescription, pharmacist=pharmacist,
                                              electronic_prescription_id=eps_id(first.prescription), note="AdES ok")
    days_since_last_issue(prescription, 28)
    repeat = approve_order(order=reorder(user, prescription, "again"), pharmacist=pharmacist)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Prescription.objects.filter(pk=prescription.pk).update(valid_until=yesterday)

    with pytest.raises(ReleaseRefused, match="expired"):
        dispatch_order(order=first, actor=staff)  # the first issue is bound by the six months
    assert dispatch_order(order=repeat, actor=staff).status == OrderStatus.DISPATCHED
