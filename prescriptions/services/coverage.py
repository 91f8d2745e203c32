"""Does a prescription authorise what an order holds? Prescriptions authorise dosage units of a
medicine at a strength ("Baclofen 10 mg tablets, 84 tablets"); any pack of that medicine and strength
draws on the same allowance, across every live order that used the prescription.

Order lines are judged by their own snapshots (legal category, strength, pack size taken at placement),
never by the live catalog, so a later reclassification or pack edit cannot change how an order placed
before it is judged. Cart lines, at checkout, are the live catalog by nature.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from catalog.models import LegalCategory
from orders.models import OrderLine, OrderStatus

from ..exceptions import PrescriptionExpired, PrescriptionNotCovering
from ..models import Prescription
from .repeats import check_supply_in_date

DEAD_STATUSES = (OrderStatus.REJECTED, OrderStatus.CANCELLED)


@dataclass(frozen=True)
class _Facts:
    key: tuple[int, str]  # (medicine, strength)
    prescription_only: bool
    units: int
    unit_name: str
    medicine: str
    description: str
    sku: str


def medicine_key(line) -> tuple[int, str]:
    """(medicine, strength): what a prescription authorises, whatever the pack. `line` is an order line
    (by its snapshot), a cart line or a prescription item (`.pack` with its strengths loaded)."""
    if isinstance(line, OrderLine):
        return (line.pack.product_id, line.strength)
    return (line.pack.product_id, line.pack.strength_label)


def _line_facts(line) -> _Facts:
    if isinstance(line, OrderLine):
        return _Facts(
            key=medicine_key(line),
            prescription_only=line.legal_category == LegalCategory.PRESCRIPTION,
            units=line.quantity * line.pack_size, unit_name=line.pack_unit, medicine=line.product_name,
            description=line.description, sku=line.sku,
        )
    pack = line.pack
    return _Facts(
        key=medicine_key(line), prescription_only=pack.product.prescription_required,
        units=line.quantity * pack.pack_size, unit_name=pack.pack_unit, medicine=pack.product.name,
        description=pack.display_name, sku=pack.sku,
    )


def check_not_expired(prescription: Prescription, *, order=None) -> None:
    """A repeatable prescription is judged by issue (prescriptions.services.repeats): `order` is the order
    supplied, or None for the next one."""
    if prescription.repeatable:
        check_supply_in_date(prescription=prescription, order=order)
        return
    if prescription.valid_until is not None and prescription.valid_until < timezone.localdate():
        raise PrescriptionExpired(
            f"The prescription expired on {prescription.valid_until:%d %B %Y}.", field="prescription"
        )


def check_prescription_covers(
    *, prescription: Prescription, lines: Iterable, exclude_order_id: int | None = None
) -> None:
    """`lines` are cart lines (`.pack` with product and strengths) or order lines (their snapshots).
    Raises PrescriptionNotCovering naming the first line the prescription does not authorise.

    A repeatable prescription authorises its quantities once per issue, and each order is one issue
    (prescriptions.services.repeats): the order is judged on its own, not against the earlier issues."""
    authorised: dict[tuple[int, str], int] = defaultdict(int)
    items = prescription.items.select_related("pack__product").prefetch_related("pack__strengths__ingredient")
    for item in items:
        authorised[medicine_key(item)] += item.quantity

    already_used: dict[tuple[int, str], int] = defaultdict(int)
    earlier_lines = (
        OrderLine.objects.filter(order__prescription=prescription, legal_category=LegalCategory.PRESCRIPTION)
        .exclude(order__status__in=DEAD_STATUSES)
        .select_related("pack")
    )
    if exclude_order_id is not None:
        earlier_lines = earlier_lines.exclude(order_id=exclude_order_id)
    if prescription.repeatable:
        earlier_lines = earlier_lines.none()
    for line in earlier_lines:
        facts = _line_facts(line)
        already_used[facts.key] += facts.units

    wanted: dict[tuple[int, str], int] = defaultdict(int)
    for line in lines:
        facts = _line_facts(line)
        if not facts.prescription_only:
            continue
        wanted[facts.key] += facts.units
        remaining = authorised[facts.key] - already_used[facts.key]
        if wanted[facts.key] > remaining:
            if authorised[facts.key] == 0:
                message = f"The prescription does not authorise {facts.description}."
            else:
                message = (
                    f"The prescription authorises {max(remaining, 0)} more {facts.unit_name} of "
                    f"{facts.medicine} {facts.key[1]}; this order needs {wanted[facts.key]}."
                )
            raise PrescriptionNotCovering(message, field="prescription", sku=facts.sku)
