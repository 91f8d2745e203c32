"""The one release gate (dispensing.release_gate): every unmet condition named at once, through the
service, the admin's dispatch queue and the staff dispatch endpoint; LEGACY stock never sent for P or
POM medicines; no P line sent without a pharmacist's decision; no open major clinical alert."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import LEGACY_BATCH_EXPIRY, StockBatch
from checkout.services import place_order
from clinical.models import OrderAlert
from dispensing.approval import approve_order, dispatch_order
from dispensing.batches import recall_pack_batches
from dispensing.exceptions import ReleaseRefused
from dispensing.release_gate import release_blockers
from dispensing.services import sign_out_as_responsible_pharmacist
from orders.models import LineDecision, OrderStatus
from tests.builders.api import assert_problem
from tests.builders.consultations import answers_for, place
from tests.builders.dispensing import refused_codes
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription
from tests.factories import PackFactory, ProductFactory, StaffFactory, StockBatchFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def approved_order(user, pharmacist, pom_pack):
    """A POM order approved against an uploaded copy: its original is not in hand yet."""
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 2)), details=details(), idempotency_key="k",
                        prescription=uploaded_prescription(user))
    return approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))


def test_the_gate_names_every_unmet_condition_at_once(approved_order, staff, pharmacist, pom_pack):
    recall_pack_batches(pack=pom_pack, batch_numbers=[f"B-{pom_pack.sku}"], reason="MHRA drug alert (test)")
    sign_out_as_responsible_pharmacist(pharmacist=pharmacist)

    with pytest.raises(ReleaseRefused) as refused:
        dispatch_order(order=approved_order, actor=staff)

    assert refused_codes(refused) == ["original_prescription_awaited", "batches_unavailable",
                                      "no_responsible_pharmacist"]
    assert [blocker.code for blocker in release_blockers(approved_order)] == refused_codes(refused)
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED


def test_the_staff_endpoint_shows_and_refuses_with_every_condition(approved_order, pharmacist, pharmacist_client):
    sign_out_as_responsible_pharmacist(pharmacist=pharmacist)
    url = f"/api/v1/pharmacist/orders/{approved_order.number}/dispatch/"

    shown = pharmacist_client.get(url)
    refused = pharmacist_client.post(url, {}, format="json")

    assert shown.status_code == 200
    assert [blocker["code"] for blocker in shown.json()["blockers"]] == ["original_prescription_awaited",
                                                                         "no_responsible_pharmacist"]
    assert shown.json()["may_be_dispatched"] is False
    body = assert_problem(refused, 409, code="release_refused")
    assert [error["code"] for error in body["errors"]] == ["original_prescription_awaited",
                                                           "no_responsible_pharmacist"]
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED


def test_the_dispatch_endpoint_needs_staff_with_the_change_permission_and_a_second_factor(
        approved_order, shopper_client, api_client):
    from rest_framework.test import APIClient

    url = f"/api/v1/pharmacist/orders/{approved_order.number}/dispatch/"
    view_only = APIClient()
    view_only.force_authenticate(StaffFactory(permissions=["view_order"]))
    unverified = APIClient()
    unverified.force_authenticate(StaffFactory())  # a session-less token without a second factor

    assert_problem(api_client.post(url, {}, format="json"), 401)
    assert_problem(shopper_client.post(url, {}, format="json"), 403)
    assert_problem(view_only.post(url, {}, format="json"), 403)
    assert_problem(unverified.post(url, {}, format="json"), 403, code="second_factor_required")
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED


def test_the_dispatch_queue_shows_what_each_order_still_misses(client, approved_order, pharmacist, user, gsl_pack):
    ready = place(user, (gsl_pack, 1), key="ready")
    client.force_login(pharmacist)

    queue = client.get(reverse("admin:dispensing_orderawaitingdispatch_changelist")).content.decode()
    waiting = client.get(reverse("admin:dispensing_orderawaitingdispatch_changelist"),
                         {"missing": "original_prescription_awaited"}).content.decode()

    assert approved_order.number in queue and ready.number in queue
    assert "Original prescription" in queue and "Ready to dispatch" in queue
    assert approved_order.number in waiting and ready.number not in waiting


def test_pharmacy_and_prescription_medicines_are_never_sent_from_legacy_stock(user, pharmacist, staff, p_pack,
                                                                             gsl_pack):
    StockBatch.objects.filter(pack__in=[p_pack, gsl_pack]).update(batch_number="LEGACY",
                                                                  expiry_date=LEGACY_BATCH_EXPIRY)
    order = place(user, (p_pack, 1), (gsl_pack, 1), answers=answers_for(p_pack, "yes"))
    approve_order(order=order, pharmacist=pharmacist)

    with pytest.raises(ReleaseRefused, match="placeholder LEGACY stock is never sent") as refused:
        dispatch_order(order=order, actor=staff)
    assert refused_codes(refused) == ["batches_unavailable"]  # the P line only: GSL may still go from it

    StockBatchFactory(pack=p_pack, batch_number="REAL1", quantity_on_hand=5)
    assert dispatch_order(order=order, actor=staff).status == OrderStatus.DISPATCHED
    assert [batch.batch_number for line in order.lines.order_by("pk") for batch in line.batches.all()] == [
        "REAL1", "LEGACY"]


def test_a_p_line_without_a_pharmacists_decision_is_not_sent(user, pharmacist, staff, p_pack):
    order = place(user, (p_pack, 1), answers=answers_for(p_pack, "yes"))
    approve_order(order=order, pharmacist=pharmacist)
    order.lines.update(decision=LineDecision.NOT_NEEDED, decided_by=None, decided_at=None)  # as before 0007

    with pytest.raises(ReleaseRefused, match="No pharmacist has approved") as refused:
        dispatch_order(order=order, actor=staff)

    assert refused_codes(refused) == ["pharmacist_decision_missing"]


def test_an_unresolved_major_clinical_alert_stops_dispatch(user, pharmacist, staff, gsl_pack):
    order = place(user, (gsl_pack, 1))
    OrderAlert.objects.create(order=order, line=order.lines.get(), rule_id="duplication.test", kind="duplication",
                              severity="major", message="Two paracetamol products.", advice="Take one only.",
                              source="BNF (test)")

    with pytest.raises(ReleaseRefused, match=r"Major clinical alert \(duplication.test\)") as refused:
        dispatch_order(order=order, actor=staff)
    assert refused_codes(refused) == ["clinical_alert_unresolved"]

    OrderAlert.objects.filter(order=order).update(overridden_by=pharmacist, overridden_at=timezone.now(),
                                                  override_reason="Counselled.", prescriber_contacted=False)
    assert dispatch_order(order=order, actor=staff).status == OrderStatus.DISPATCHED


def test_an_expired_batch_with_no_other_stock_is_a_lasting_blocker(user, staff):
    pack = PackFactory(product=ProductFactory(), stock_quantity=0)
    batch = StockBatchFactory(pack=pack, quantity_on_hand=3)
    order = place(user, (pack, 2))
    StockBatch.objects.filter(pk=batch.pk).update(expiry_date=timezone.localdate() + datetime.timedelta(days=1))

    blockers = release_blockers(order)

    assert [(blocker.code, blocker.lasting) for blocker in blockers] == [("batches_unavailable", True)]
