"""Does a prescription authorise what an order holds? Prescriptions authorise dosage units of a
medicine at a strength ("Baclofen 10 mg tablets, 84 tablets"); any pack of that medicine and strength
draws on the same allowance, across every live order that used the prescription."""

from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from ..exceptions import PrescriptionExpired, PrescriptionNotCovering
from ..models import OrderLine, OrderStatus, Prescription

DEAD_STATUSES = (OrderStatus.REJECTED, OrderStatus.CANCELLED)


def _medicine_key(pack) -> tuple[int, str]:
    return (pack.product_id, pack.strength_label)


def check_not_expired(prescription: Prescription) -> None:
    if prescription.valid_until is not None and prescription.valid_until < timezone.localdate():
        raise PrescriptionExpired(
            f"The prescription expired on {prescription.valid_until:%d %B %Y}.", field="prescription"
        )


def check_prescription_covers(
    *, prescription: Prescription, lines: Iterable, exclude_order_id: int | None = None
) -> None:
    """`lines` are cart or order lines (with `.pack` prefetched with strengths, and `.quantity`).
    Raises PrescriptionNotCovering naming the first line the prescription does not authorise."""
    authorised: dict[tuple[int, str], int] = defaultdict(int)
    items = prescription.items.select_related("pack__product").prefetch_related("pack__strengths__ingredient")
    for item in items:
        authorised[_medicine_key(item.pack)] += item.quantity

    already_used: dict[tuple[int, str], int] = defaultdict(int)
    earlier_lines = (
        OrderLine.objects.filter(order__prescription=prescription, legal_category="prescription")
        .exclude(order__status__in=DEAD_STATUSES)
        .select_related("pack__product")
        .prefetch_related("pack__strengths__ingredient")
    )
    if exclude_order_id is not None:
        earlier_lines = earlier_lines.exclude(order_id=exclude_order_id)
    for line in earlier_lines:
        already_used[_medicine_key(line.pack)] += line.quantity * line.pack_size

    wanted: dict[tuple[int, str], int] = defaultdict(int)
    for line in lines:
        if not line.pack.product.prescription_required:
            continue
        key = _medicine_key(line.pack)
        wanted[key] += line.quantity * line.pack.pack_size
        remaining = authorised[key] - already_used[key]
        if wanted[key] > remaining:
            name = line.pack.display_name
            if authorised[key] == 0:
                message = f"The prescription does not authorise {name}."
            else:
                message = (
                    f"The prescription authorises {max(remaining, 0)} more {line.pack.pack_unit} of "
                    f"{line.pack.product.name} {line.pack.strength_label}; this order needs {wanted[key]}."
                )
            raise PrescriptionNotCovering(message, field="prescription", sku=line.pack.sku)
