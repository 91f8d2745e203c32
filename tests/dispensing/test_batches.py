"""Dispatch picks batches first-expiry-first-out and records them; a recall finds exactly the patients
who received a batch. Through the services and the admin."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Pack, StockBatch
from catalog.services import recall_batches
from checkout.services import place_order
from dispensing.approval import dispatch_order
from dispensing.batches import list_batch_recipients, recall_pack_batches, recall_recipients_csv
from dispensing.exceptions import ReleaseRefused
from orders.models import OrderLineBatch, OrderStatus
from orders.services import cancel_order
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, StaffFactory, StockBatchFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def fefo_pack(db):
    """Three usable batches (expiring in 400, 90 and 200 days), one expired and one within the margin."""
    pack = PackFactory(stock_quantity=0)
    for number, expiry, units in [("LATE", 400, 10), ("SOON", 90, 3), ("MID", 200, 4),
                                  ("EXPIRED", -5, 50), ("MARGIN", 10, 50)]:
        StockBatchFactory(pack=pack, batch_number=number, expiry_date=days(expiry), quantity_on_hand=units)
    return pack


def order_for(user, pack, quantity, *, patient: str = "", **detail_overrides):
    """`patient`: who the medicines are for (the account holder, by that name); the recall must name them."""
    if patient:
        user.full_name = patient
        user.save(update_fields=["full_name"])
    return place_order(user=user, cart=cart_with(user, (pack, quantity)), details=details(**detail_overrides),
                       idempotency_key=f"k-{user.pk}-{pack.pk}-{quantity}")


def on_hand(pack) -> dict[str, int]:
    return dict(StockBatch.objects.filter(pack=pack).values_list("batch_number", "quantity_on_hand"))


def test_dispatch_picks_first_expiry_first_out_and_records_the_batches(user, staff, fefo_pack, settings):
    settings.STOCK_EXPIRY_MARGIN_DAYS = 30
    order = order_for(user, fefo_pack, 9)
    assert Pack.objects.get(pk=fefo_pack.pk).allocated_quantity == 9

    dispatch_order(order=order, actor=staff)

    line = order.lines.get()
    assert [(b.batch_number, b.quantity, b.expiry_date) for b in line.batches.order_by("expiry_date")] == [
        ("SOON", 3, days(90)), ("MID", 4, days(200)), ("LATE", 2, days(400)),
    ]
    assert on_hand(fefo_pack) == {"SOON": 0, "MID": 0, "LATE": 8, "EXPIRED": 50, "MARGIN": 50}
    assert Pack.objects.get(pk=fefo_pack.pk).allocated_quantity == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPATCHED


def test_dispatch_never_uses_recalled_batches(user, staff, fefo_pack):
    order = order_for(user, fefo_pack, 2)
    recall_batches(pack=fefo_pack, batch_numbers=["SOON"], reason="MHRA alert")

    dispatch_order(order=order, actor=staff)

    assert [b.batch_number for b in order.lines.get().batches.all()] == ["MID"]


def test_dispatch_is_refused_when_usable_batches_fall_short_and_nothing_changes(user, staff, fefo_pack):
    order = order_for(user, fefo_pack, 17)
    recall_batches(pack=fefo_pack, batch_numbers=["LATE"], reason="MHRA alert")  # 7 usable units left
    before = on_hand(fefo_pack)

    with pytest.raises(ReleaseRefused, match="17 needed but only 7 in batches that are in date"):
        dispatch_order(order=order, actor=staff)

    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED
    assert on_hand(fefo_pack) == before
    assert Pack.objects.get(pk=fefo_pack.pk).allocated_quantity == 17
    assert not OrderLineBatch.objects.exists()


def test_cancel_gives_the_allocation_back_without_touching_batches(user, fefo_pack):
    order = order_for(user, fefo_pack, 5)
    before = on_hand(fefo_pack)

    cancel_order(order=order, actor=user)

    assert Pack.objects.get(pk=fefo_pack.pk).allocated_quantity == 0
    assert on_hand(fefo_pack) == before


def test_a_recall_lists_exactly_the_patients_who_received_the_batch(staff):
    pack = PackFactory(stock_quantity=0)
    StockBatchFactory(pack=pack, batch_number="BAD1", expiry_date=days(100), quantity_on_hand=2)
    StockBatchFactory(pack=pack, batch_number="GOOD2", expiry_date=days(300), quantity_on_hand=10)
    other_pack = PackFactory(stock_quantity=0)
    StockBatchFactory(pack=other_pack, batch_number="BAD1", expiry_date=days(100), quantity_on_hand=10)
    alice, bob, carol, dan = (UserFactory() for _ in range(4))
    split = order_for(alice, pack, 3, patient="Alice Patient", email="alice@example.org")  # BAD1 ×2 + GOOD2 ×1
    only_good = order_for(bob, pack, 2, full_name="Bob Patient")  # BAD1 is used up: GOOD2
    other = order_for(carol, other_pack, 1, full_name="Carol Patient")  # same number, other pack
    order_for(dan, pack, 1, full_name="Dan Undispatched")  # allocated, not dispatched: received nothing
    for order in (split, only_good, other):
        dispatch_order(order=order, actor=staff)

    result = recall_pack_batches(pack=pack, batch_numbers=["BAD1"], reason="MHRA Class 2")

    assert [(r.order_number, r.patient_name, r.email, r.batch_number, r.quantity) for r in result.recipients] == [
        (split.number, "Alice Patient", "alice@example.org", "BAD1", 2),
    ]
    assert StockBatch.objects.get(pack=pack, batch_number="BAD1").recalled
    assert not StockBatch.objects.get(pack=other_pack, batch_number="BAD1").recalled


def recall_url() -> str:
    return reverse("admin:orders_orderlinebatch_recall")


def test_admin_recall_screen_blocks_the_batch_and_lists_recipients_with_a_csv(admin_client, staff):
    pack = PackFactory(stock_quantity=0, sku="REC-1")
    StockBatchFactory(pack=pack, batch_number="LOT9", expiry_date=days(100), quantity_on_hand=5)
    user = UserFactory()
    order = order_for(user, pack, 2, patient="Eve Patient", email="eve@example.org", phone="07700 900999")
    dispatch_order(order=order, actor=staff)

    assert admin_client.get(recall_url()).status_code == 200
    response = admin_client.post(recall_url(), {"pack": "REC-1", "batch_numbers": "LOT9", "reason": "MHRA alert"})

    assert response.status_code == 200
    html = response.content.decode()
    assert order.number in html and "Eve Patient" in html and "eve@example.org" in html
    assert StockBatch.objects.get(batch_number="LOT9").recalled
    csv_response = admin_client.get(reverse("admin:orders_orderlinebatch_recall_csv"), {"pack": "REC-1",
                                                                                       "batches": "LOT9"})
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert [(r["order_number"], r["patient_name"], r["email"], r["phone"], r["batch_number"], r["quantity"])
            for r in rows] == [(order.number, "Eve Patient", "eve@example.org", "07700 900999", "LOT9", "2")]
    assert rows[0]["dispatched_at"].startswith(timezone.localdate().isoformat())


def test_admin_recall_refuses_an_unknown_batch_and_changes_nothing(admin_client):
    pack = PackFactory(stock_quantity=5, sku="REC-2")

    response = admin_client.post(recall_url(), {"pack": "REC-2", "batch_numbers": "NOPE", "reason": "alert"})

    assert response.status_code == 200
    assert "REC-2 has no batch NOPE." in response.content.decode()
    assert not pack.batches.filter(recalled=True).exists()


def test_admin_recall_needs_permission_to_change_batches(client, pharmacist):
    client.force_login(pharmacist)  # staff, without catalog permissions

    assert client.get(recall_url()).status_code == 403


def test_admin_lists_batches_supplied(admin_client, user, staff, fefo_pack):
    order = order_for(user, fefo_pack, 1)
    dispatch_order(order=order, actor=staff)

    response = admin_client.get(reverse("admin:orders_orderlinebatch_changelist"))

    assert response.status_code == 200
    assert order.number in response.content.decode()
    assert list_batch_recipients(pack=fefo_pack, batch_numbers=["SOON"])[0].order_number == order.number


def test_recall_csv_defuses_spreadsheet_formulas_typed_by_shoppers(staff):
    pack = PackFactory(stock_quantity=5)
    order = order_for(UserFactory(), pack, 1, patient="=HYPERLINK(\"x\")", phone="+44 7700 900000")
    dispatch_order(order=order, actor=staff)

    text = recall_recipients_csv(list_batch_recipients(pack=pack, batch_numbers=[f"B-{pack.sku}"]))

    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["patient_name"], row["phone"]) == ("'=HYPERLINK(\"x\")", "'+44 7700 900000")


def test_admin_lists_batches_with_their_state_and_packs_with_available_and_allocated(admin_client, user, fefo_pack):
    order_for(user, fefo_pack, 2)

    batches = admin_client.get(reverse("admin:catalog_stockbatch_changelist")).content.decode()
    packs = admin_client.get(reverse("admin:catalog_pack_changelist")).content.decode()

    assert "SOON" in batches and "EXPIRED" in batches
    assert "15 (2)" in packs  # 17 usable units (SOON, MID, LATE) less 2 allocated
