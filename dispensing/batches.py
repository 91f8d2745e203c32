"""Batches on orders: which batches a dispatched line was supplied from, and who received a recalled
batch. The picking itself (first-expiry-first-out, margin, recalls) is catalog.services'."""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from catalog.models import Pack, StockBatch
from catalog.services import pick_batches_for_dispatch, recall_batches
from orders.models import LineDecision, Order, OrderLine, OrderLineBatch
from pharmacy.spreadsheet import spreadsheet_safe


def lines_to_supply(order: Order) -> list[OrderLine]:
    """The lines being sent: not refused by the pharmacist, and with at least one pack left to send."""
    lines = order.lines.exclude(decision=LineDecision.REFUSED).exclude(quantity_not_supplied=F("quantity"))
    return list(lines.order_by("pk"))


def batch_needs(lines: Iterable[OrderLine]) -> list[tuple[int, int, bool]]:
    """(pack, packs to send, may take LEGACY stock) per line, for catalog's first-expiry-first-out picking.
    Placeholder LEGACY stock has no real batch number for a recall to find, so a pharmacy or
    prescription-only medicine is never sent from it."""
    return [(line.pack_id, line.quantity_supplied, not line.needs_pharmacist) for line in lines]


def supply_order_batches(*, order: Order, lines: Iterable[OrderLine] | None = None) -> list[OrderLineBatch]:
    """Pick and record the batches for the lines being dispatched (all not refused, by default).
    Runs inside dispatch_order's transaction, after the order's lock (orders before packs); refuses
    with catalog's BatchesUnavailable, changing nothing, if usable batches cannot cover a line."""
    if lines is None:
        lines = lines_to_supply(order)
    lines = [line for line in lines if line.quantity_supplied > 0]
    picks = pick_batches_for_dispatch(lines=batch_needs(lines))
    now = timezone.now()
    return OrderLineBatch.objects.bulk_create(
        OrderLineBatch(
            order_line=line,
            batch=pick.batch,
            batch_number=pick.batch_number,
            expiry_date=pick.expiry_date,
            quantity=pick.quantity,
            dispatched_at=now,
        )
        for line, line_picks in zip(lines, picks, strict=True)
        for pick in line_picks
    )


@dataclass(frozen=True)
class RecallRecipient:
    """One supply of a recalled batch: whom to contact."""

    order_number: str
    dispatched_at: datetime
    patient_name: str
    email: str
    phone: str
    batch_number: str
    expiry_date: object
    quantity: int
    sku: str
    description: str


def list_batch_recipients(*, pack: Pack, batch_numbers: Sequence[str]) -> list[RecallRecipient]:
    """Every supply of these batches of `pack`, oldest dispatch first, with the patient each was for."""
    rows: QuerySet[OrderLineBatch] = (
        OrderLineBatch.objects.filter(batch__pack=pack, batch_number__in=list(batch_numbers))
        .select_related("order_line__order")
        .order_by("dispatched_at", "order_line__order__number", "batch_number", "pk")
    )
    return [
        RecallRecipient(
            order_number=row.order_line.order.number,
            dispatched_at=row.dispatched_at,
            patient_name=row.order_line.order.patient_display_name,
            email=row.order_line.order.email,
            phone=row.order_line.order.phone,
            batch_number=row.batch_number,
            expiry_date=row.expiry_date,
            quantity=row.quantity,
            sku=row.order_line.sku,
            description=row.order_line.description,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class RecallResult:
    batches: list[StockBatch]
    recipients: list[RecallRecipient]


@transaction.atomic
def recall_pack_batches(*, pack: Pack, batch_numbers: Sequence[str], reason: str) -> RecallResult:
    """Recall batches of a pack: block them from sale and dispatch, and list every patient who
    received them. Refuses (changing nothing) an unknown batch number."""
    batches = recall_batches(pack=pack, batch_numbers=batch_numbers, reason=reason)
    numbers = [batch.batch_number for batch in batches]
    # Approved orders the recall leaves without stock go to the "cannot supply" queue, once the recall has
    # committed: flagging locks orders, which are never locked after packs (the hourly job catches up
    # if this is lost). Imported here: supply imports dispatch, which imports this module.
    from .supply import flag_orders_that_cannot_be_supplied

    transaction.on_commit(partial(flag_orders_that_cannot_be_supplied, pack_ids=[pack.pk]))
    return RecallResult(batches=batches, recipients=list_batch_recipients(pack=pack, batch_numbers=numbers))


RECALL_CSV_COLUMNS = (
    "order_number",
    "dispatched_at",
    "patient_name",
    "email",
    "phone",
    "sku",
    "description",
    "batch_number",
    "expiry_date",
    "quantity",
)


def recall_recipients_csv(recipients: Sequence[RecallRecipient]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RECALL_CSV_COLUMNS)
    for r in recipients:
        writer.writerow(
            [
                r.order_number,
                timezone.localtime(r.dispatched_at).isoformat(timespec="minutes"),
                spreadsheet_safe(r.patient_name),
                spreadsheet_safe(r.email),
                spreadsheet_safe(r.phone),
                r.sku,
                r.description,
                r.batch_number,
                r.expiry_date.isoformat(),
                r.quantity,
            ]
        )
    return out.getvalue()
