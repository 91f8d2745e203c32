"""Issue 8.2, 8.3 and 8.5 through the services: the original prescription before supply, what approval
and dispatch re-check, the responsible pharmacist, and the prescription register written at dispatch."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.roles import SUPERINTENDENTS_GROUP
from catalog.reclassification import reclassify_product
from checkout.services import place_order
from dispensing.approval import approve_order, dispatch_order
from dispensing.exceptions import (
    NoResponsiblePharmacist,
    OwnOrderApproval,
    PharmacistNotRegistered,
    ReleaseRefused,
    ResponsiblePharmacistConflict,
)
from dispensing.models import RegisterEntry, ResponsiblePharmacistLog
from dispensing.originals import record_electronic_verified, record_original_received
from dispensing.services import (
    current_responsible_pharmacist,
    sign_in_as_responsible_pharmacist,
    sign_out_as_responsible_pharmacist,
)
from orders.models import OrderStatus
from orders.services.originals import is_waiting_for_original
from prescriptions.exceptions import InvalidDispensingRecord, PrescriptionNotCovering
from prescriptions.models import PrescriptionSource, PrescriptionStatus
from prescriptions.services.coverage import check_prescription_covers
from tests.builders.dispensing import refused_codes
from tests.builders.orders import cart_with, details, dispensing_record, eps_id, uploaded_prescription
from tests.factories import PharmacistFactory, StaffFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]




@pytest.fixture
def awaiting_order(user, pom_pack):
    return place_order(user=user, cart=cart_with(user, (pom_pack, 2)), details=details(), idempotency_key="k",
                       prescription=uploaded_prescription(user))


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def approved_order(awaiting_order, pharmacist, pom_pack):
    return approve_order(order=awaiting_order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))


# --- 8.2 The original prescription before supply ---------------------------------------------------


def test_upload_approved_pom_order_is_not_dispatched_until_the_original_is_received(approved_order, staff,
                                                                                    pharmacist):
    assert approved_order.prescription.source == PrescriptionSource.UPLOAD
    assert is_waiting_for_original(approved_order)

    with pytest.raises(ReleaseRefused, match="original prescription has not been received") as refused:
        dispatch_order(order=approved_order, actor=staff)
    assert refused_codes(refused) == ["original_prescription_awaited"]
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED
    assert not RegisterEntry.objects.exists()

    prescription = record_original_received(prescription=approved_order.prescription, pharmacist=pharmacist,
                                            matches=True, note="Signed paper original.")
    assert (prescription.source, prescription.original_received_by, prescription.original_matches) == (
        PrescriptionSource.PAPER, pharmacist, True)
    approved_order.refresh_from_db()
    assert not is_waiting_for_original(approved_order)
    assert dispatch_order(order=approved_order, actor=staff).status == OrderStatus.DISPATCHED


def test_verified_electronic_prescription_can_be_dispatched(approved_order, staff, pharmacist):
    record_electronic_verified(prescription=approved_order.prescription, pharmacist=pharmacist,
                               electronic_prescription_id=eps_id(approved_order.prescription),
                               note="Retrieved from the prescribing service; AdES signature valid.")
    order = dispatch_order(order=approved_order, actor=staff)
    assert order.status == OrderStatus.DISPATCHED
    assert order.prescription.source == PrescriptionSource.ELECTRONIC


def test_original_that_does_not_match_reopens_the_review(approved_order, pharmacist):
    record_original_received(prescription=approved_order.prescription, pharmacist=pharmacist, matches=False,
                             note="The original is for 28 tablets, not 168.")
    approved_order.refresh_from_db()
    prescription = approved_order.prescription
    assert approved_order.status == OrderStatus.AWAITING_REVIEW
    assert approved_order.prescription_approved_by is None
    assert prescription.status == PrescriptionStatus.SUBMITTED
    assert not prescription.items.exists()
    assert prescription.original_matches is False
    last = approved_order.events.last()
    assert (last.from_status, last.to_status) == ("approved", "awaiting_review")
    assert "28 tablets" in last.reason


def test_original_mismatch_needs_a_note_and_changes_nothing_without_it(approved_order, pharmacist):
    with pytest.raises(InvalidDispensingRecord, match="differs"):
        record_original_received(prescription=approved_order.prescription, pharmacist=pharmacist, matches=False)
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED
    assert approved_order.prescription.original_received_at is None


# --- 8.3 Approval and dispatch re-check what can change ---------------------------------------------


def test_dispatch_after_the_prescription_expired_is_refused(approved_order, staff, pharmacist):
    record_original_received(prescription=approved_order.prescription, pharmacist=pharmacist, matches=True)
    prescription = approved_order.prescription
    prescription.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    prescription.save(update_fields=["valid_until"])

    with pytest.raises(ReleaseRefused, match=r"cannot be dispatched: The prescription expired on") as refused:
        dispatch_order(order=approved_order, actor=staff)
    assert refused_codes(refused) == ["prescription_expired"]
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED


def test_pharmacist_cannot_approve_an_order_they_placed(pharmacist, pom_pack):
    order = place_order(user=pharmacist, cart=cart_with(pharmacist, (pom_pack, 1)), details=details(),
                        idempotency_key="own", prescription=uploaded_prescription(pharmacist))
    with pytest.raises(OwnOrderApproval, match="placed order .* yourself"):
        approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_REVIEW
    assert order.prescription.status == PrescriptionStatus.SUBMITTED


def test_group_member_without_a_registration_number_cannot_approve(awaiting_order, pharmacist, pom_pack):
    unregistered = PharmacistFactory(profile=False)
    with pytest.raises(PharmacistNotRegistered, match="GPhC registration number"):
        approve_order(order=awaiting_order, pharmacist=unregistered, record=dispensing_record((pom_pack, 168)))
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_approval_records_the_pharmacists_registration_number(approved_order, pharmacist):
    approved_order.refresh_from_db()
    assert approved_order.approved_by_registration == pharmacist.pharmacist_profile.registration_number


def test_coverage_is_judged_by_the_order_lines_snapshots_after_a_reclassification(approved_order, pom_pack):
    # The medicine becomes P after the order was placed: the order is still judged as POM, by its lines.
    superintendent = PharmacistFactory()
    superintendent.groups.add(Group.objects.get(name=SUPERINTENDENTS_GROUP))
    reclassify_product(product=pom_pack.product, legal_category="pharmacy", schedule=None, actor=superintendent,
                       reason="MHRA reclassification (test).")
    line = approved_order.lines.get()
    assert line.legal_category == "prescription"
    prescription = approved_order.prescription
    prescription.items.all().delete()
    with pytest.raises(PrescriptionNotCovering, match="does not authorise Presolol"):
        check_prescription_covers(prescription=prescription, lines=approved_order.lines.all(),
                                  exclude_order_id=approved_order.pk)


# --- 8.5 The responsible pharmacist -----------------------------------------------------------------


def test_nothing_is_approved_without_a_responsible_pharmacist_signed_in(awaiting_order, pharmacist, pom_pack):
    sign_out_as_responsible_pharmacist(pharmacist=pharmacist)
    with pytest.raises(NoResponsiblePharmacist, match="responsible pharmacist"):
        approve_order(order=awaiting_order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW
    assert awaiting_order.prescription.status == PrescriptionStatus.SUBMITTED


def test_nothing_is_dispatched_without_a_responsible_pharmacist_signed_in(approved_order, staff, pharmacist):
    record_original_received(prescription=approved_order.prescription, pharmacist=pharmacist, matches=True)
    sign_out_as_responsible_pharmacist(pharmacist=pharmacist)
    with pytest.raises(ReleaseRefused) as refused:
        dispatch_order(order=approved_order, actor=staff)
    assert refused_codes(refused) == ["no_responsible_pharmacist"]
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED


def test_one_responsible_pharmacist_at_a_time(pharmacist):
    other = PharmacistFactory()
    with pytest.raises(ResponsiblePharmacistConflict, match="must sign out first"):
        sign_in_as_responsible_pharmacist(pharmacist=other)
    assert current_responsible_pharmacist().pharmacist == pharmacist
    sign_out_as_responsible_pharmacist(pharmacist=pharmacist)
    assert current_responsible_pharmacist() is None
    sign_in_as_responsible_pharmacist(pharmacist=other)
    assert current_responsible_pharmacist().pharmacist == other
    assert ResponsiblePharmacistLog.objects.count() == 2


def test_the_database_refuses_a_second_open_responsible_pharmacist_entry(pharmacist):
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponsiblePharmacistLog.objects.create(pharmacist=PharmacistFactory(), registration_number="1234567",
                                                signed_in_at=timezone.now())


def test_an_unregistered_pharmacist_cannot_sign_in_as_responsible_pharmacist(db):
    with pytest.raises(PharmacistNotRegistered):
        sign_in_as_responsible_pharmacist(pharmacist=PharmacistFactory(profile=False))
    assert not ResponsiblePharmacistLog.objects.exists()


# --- 8.5 The prescription register ------------------------------------------------------------------


def test_dispatch_writes_one_register_entry_per_prescription_line(user, pom_pack, gsl_pack, pharmacist, staff):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 2), (gsl_pack, 1)), details=details(),
                        idempotency_key="r", prescription=uploaded_prescription(user))
    approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))
    record_original_received(prescription=order.prescription, pharmacist=pharmacist, matches=True)
    dispatch_order(order=order, actor=staff)

    entry = RegisterEntry.objects.get()
    assert entry.order == order
    assert (entry.patient_name, entry.medicine, entry.quantity, entry.quantity_unit) == (
        user.full_name, "Presolol tablets", 168, "tablets")  # the patient: here the account holder
    assert entry.patient_address.startswith("1 High Street, Leeds")
    assert (entry.prescriber_name, entry.pharmacist) == ("Dr Grace Prescriber", pharmacist)
    assert entry.pharmacist_registration == pharmacist.pharmacist_profile.registration_number
    assert entry.dispatched_by == staff


def test_register_entries_are_immutable_in_the_model_and_the_database(user, pom_pack, pharmacist, staff):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="i",
                        prescription=uploaded_prescription(user))
    approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)))
    record_electronic_verified(prescription=order.prescription, pharmacist=pharmacist,
                               electronic_prescription_id=eps_id(order.prescription))
    dispatch_order(order=order, actor=staff)
    entry = RegisterEntry.objects.get()

    entry.patient_name = "Someone else"
    with pytest.raises(ValueError, match="never changed"):
        entry.save()
    with pytest.raises(ValueError, match="never deleted"):
        entry.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisterEntry.objects.filter(pk=entry.pk).update(patient_name="Someone else")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM dispensing_registerentry")
    assert RegisterEntry.objects.get().patient_name == user.full_name


def test_an_order_placed_before_a_pom_to_gsl_reclassification_still_needs_its_original(approved_order, staff,
                                                                                        pom_pack):
    superintendent = PharmacistFactory()
    superintendent.groups.add(Group.objects.get(name=SUPERINTENDENTS_GROUP))
    reclassify_product(product=pom_pack.product, legal_category="general_sale", schedule=None,
                       actor=superintendent, reason="Switched to general sale (test).")

    with pytest.raises(ReleaseRefused) as refused:
        dispatch_order(order=approved_order, actor=staff)
    assert refused_codes(refused) == ["original_prescription_awaited"]
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED
    assert approved_order.lines.get().legal_category == "prescription"
