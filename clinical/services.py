"""Running the clinical checks wherever an order is formed: the cart, checkout and the pharmacist's review.

Each entry point gathers its inputs in a fixed number of queries (the lines with their strengths, the
prescription's directions, the patient's recent supplies) whatever the number of lines and rules, then
calls the pure `clinical.checks.run_checks`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Prefetch, Q
from django.utils import timezone

from catalog.models import LegalCategory, Strength
from orders.models import LineDecision, Order, OrderLine, OrderStatus, PrescriptionItem
from orders.services.consultations import Patient

from . import context
from .checks import ActiveIngredient, Alert, ClinicalOverride, Directions, Medicine, Origin, run_checks
from .exceptions import ClinicalCheckRefused, ClinicalOverrideRequired
from .facts import PatientFacts
from .models import OrderAlert
from .rule_table import Kind, Severity, rule_table

SUPPLIED_STATUSES = (OrderStatus.APPROVED, OrderStatus.DISPATCHED, OrderStatus.DELIVERED)
OVER_THE_COUNTER = (LegalCategory.GENERAL_SALE, LegalCategory.PHARMACY)
TALK_TO_PHARMACIST = "Please talk to our pharmacist before buying it."
MG_PER = {"mg": Decimal(1), "g": Decimal(1000), "microgram": Decimal("0.001")}
STRENGTHS = Prefetch("pack__strengths", queryset=Strength.objects.select_related("ingredient").order_by("position"))


@dataclass
class CartAdvice:
    refused: list[Alert] = field(default_factory=list)  # checkout will refuse these
    advice: list[Alert] = field(default_factory=list)  # shown to the shopper, kept with the order

    def __bool__(self) -> bool:
        return bool(self.refused or self.advice)


def _ingredient(strength: Strength) -> ActiveIngredient:
    factor = MG_PER.get(strength.unit)
    mg = strength.amount * factor if factor is not None else None
    if mg is not None and strength.per_amount:
        mg = mg / strength.per_amount  # "5 mg per 5 mL": mg in one mL
    return ActiveIngredient(name=strength.ingredient.name.lower(), mg_per_unit=mg)


def medicine_for_pack(pack, *, key: str = "", origin: str = Origin.ORDER, directions: Directions | None = None,
                      supplied_on=None) -> Medicine:
    """`pack` with its product and strengths (and their ingredients) already loaded."""
    return Medicine(
        name=pack.display_name, key=key, origin=origin, atc_code=pack.product.atc_code,
        legal_category=pack.product.legal_category, directions=directions, supplied_on=supplied_on,
        ingredients=tuple(_ingredient(strength) for strength in pack.strengths.all()),
    )


def directions_of(item: PrescriptionItem | None) -> Directions | None:
    if item is None or (item.dose is None and not item.as_directed):
        return None
    return Directions(dose=item.dose, dose_unit=item.dose_unit, times_per_day=item.times_per_day,
                      as_directed=item.as_directed)


def recent_supplies(*, user, patient: Patient, exclude_order_id: int | None = None) -> list[Medicine]:
    """What this pharmacy supplied to the same patient of the same account within CLINICAL_HISTORY_DAYS:
    lines of approved, dispatched or delivered orders that the pharmacist did not refuse. Two queries."""
    if user is None or not getattr(user, "pk", None):
        return []
    since = timezone.now() - timedelta(days=settings.CLINICAL_HISTORY_DAYS)
    same_patient = Q(order__patient_is_account_holder=True) if patient.is_account_holder else Q(
        order__patient_is_account_holder=False, order__patient_name__iexact=" ".join(patient.name.split()),
        order__patient_date_of_birth=patient.date_of_birth,
    )
    lines = (
        OrderLine.objects.filter(same_patient, order__user=user, order__status__in=SUPPLIED_STATUSES,
                                 order__created_at__gte=since)
        .exclude(decision=LineDecision.REFUSED)
        .exclude(order_id=exclude_order_id)
        # Only the order's date, not its row: checkout runs this on every order, and compiling the
        # order's three dozen columns into the query took longer than PostgreSQL took to answer it.
        .select_related("pack__product").prefetch_related(STRENGTHS).annotate(ordered_at=F("order__created_at"))
        .order_by("-order__created_at", "pk")
    )
    return [medicine_for_pack(line.pack, origin=Origin.SUPPLIED, supplied_on=timezone.localdate(line.ordered_at))
            for line in lines]


def _run(*, lines: Sequence[Medicine], facts: PatientFacts, supplied: Sequence[Medicine]) -> list[Alert]:
    return run_checks(table=rule_table(), lines=lines, facts=facts, supplied=supplied, today=timezone.localdate(),
                      jurisdiction=settings.CLINICAL_JURISDICTION)


def refuses_checkout(alert: Alert, lines_by_key: dict[str, Medicine]) -> bool:
    """Checkout refuses a contraindication involving an over-the-counter (GSL or P) line, and an age the
    medicine is not for (contraindicated; or major for an over-the-counter line). The rest is advice."""
    otc = any(lines_by_key[key].legal_category in OVER_THE_COUNTER for key in alert.line_keys if key in lines_by_key)
    if alert.kind == Kind.AGE:
        return alert.severity == Severity.CONTRAINDICATED or (otc and alert.severity == Severity.MAJOR)
    return otc and alert.severity == Severity.CONTRAINDICATED


def advice_for_cart(*, user, cart_lines: Sequence, patient: Patient | None = None) -> CartAdvice:
    """The checks on a cart, for showing: what checkout would refuse, and the advice it would keep.
    `cart_lines` come from cart.selectors.list_cart_lines (packs, products and strengths loaded)."""
    patient = patient or Patient()
    medicines = [medicine_for_pack(line.pack, key=line.pack.sku) for line in cart_lines]
    if not medicines:
        return CartAdvice()
    by_key = {medicine.key: medicine for medicine in medicines}
    alerts = _run(lines=medicines, facts=context.facts_for_checkout(user, patient),
                  supplied=recent_supplies(user=user, patient=patient))
    result = CartAdvice()
    for alert in alerts:
        (result.refused if refuses_checkout(alert, by_key) else result.advice).append(alert)
    return result


def check_checkout(*, user, patient: Patient, lines: Sequence) -> list[Alert]:
    """Checkout's clinical checks. Raises ClinicalCheckRefused (with the reason and "talk to our
    pharmacist") for what must not be sold; returns the advice to keep with the order (record_order_alerts)."""
    result = advice_for_cart(user=user, cart_lines=lines, patient=patient)
    if result.refused:
        alert = result.refused[0]
        field = "patient_date_of_birth" if alert.kind == Kind.AGE else "cart"  # shown next to what refused it
        raise ClinicalCheckRefused(
            f"{alert.advice} {TALK_TO_PHARMACIST}", field=field, rule_id=alert.rule_id, severity=alert.severity,
            source=alert.source, skus=list(alert.line_keys),
        )
    return result.advice


def _stored(order: Order, alerts: Sequence[Alert], lines_by_sku: dict, *, at_review: bool) -> list[OrderAlert]:
    return [
        OrderAlert(
            order=order, line=lines_by_sku.get(alert.line_key), rule_id=alert.rule_id, kind=alert.kind,
            severity=alert.severity, message=alert.message, advice=alert.advice, source=alert.source,
            subjects=list(alert.subjects), raised_at_review=at_review,
        )
        for alert in alerts
    ]


def record_order_alerts(*, order: Order, alerts: Sequence[Alert]) -> list[OrderAlert]:
    """Keep checkout's advice with the order it was given for (two queries, or none without alerts)."""
    if not alerts:
        return []
    lines_by_sku = {line.sku: line for line in order.lines.all()}
    return OrderAlert.objects.bulk_create(_stored(order, alerts, lines_by_sku, at_review=False))


def review_alerts(*, order: Order) -> list[OrderAlert]:
    """Run the checks again for the pharmacist, now with the prescription's recorded directions, and keep
    any new alert. Returns every alert of the order. A constant number of queries."""
    lines = list(order.lines.select_related("pack__product").prefetch_related(STRENGTHS).order_by("pk"))
    items = {}
    if order.prescription_id:
        items = {item.pack_id: item for item in PrescriptionItem.objects.filter(prescription_id=order.prescription_id)}
    medicines = [
        medicine_for_pack(line.pack, key=line.sku, directions=directions_of(items.get(line.pack_id)))
        for line in lines if line.decision != LineDecision.REFUSED
    ]
    patient = Patient(name=order.patient_name, date_of_birth=order.patient_date_of_birth,
                      is_account_holder=order.patient_is_account_holder)
    alerts = _run(lines=medicines, facts=context.facts_for_order(order),
                  supplied=recent_supplies(user=order.user, patient=patient, exclude_order_id=order.pk))
    existing = list(OrderAlert.objects.filter(order=order).order_by("pk"))
    known = {(alert.rule_id, alert.line_id, tuple(alert.subjects)) for alert in existing}
    lines_by_sku = {line.sku: line for line in lines}
    new = [stored for stored in _stored(order, alerts, lines_by_sku, at_review=True)
           if (stored.rule_id, stored.line.pk if stored.line else None, tuple(stored.subjects)) not in known]
    return existing + OrderAlert.objects.bulk_create(new)


def check_approval(*, order: Order, pharmacist, override: ClinicalOverride | None = None,
                   line: OrderLine | None = None) -> list[OrderAlert]:
    """Before the pharmacist approves the order (or one of its lines): re-run the checks, and refuse to go
    past a major or contraindicated alert without an override reason and whether the prescriber was
    contacted. Records the override on each alert it covers. Call inside the approval's transaction."""
    alerts = review_alerts(order=order)
    refused_lines = set(order.lines.filter(decision=LineDecision.REFUSED).values_list("pk", flat=True))
    blocking = [
        alert for alert in alerts
        if alert.needs_override and not alert.is_overridden and alert.line_id not in refused_lines
        and (line is None or alert.line_id in (None, line.pk))
    ]
    if not blocking:
        return alerts
    override = override or ClinicalOverride()
    names = " ".join(f"{alert.get_severity_display()} ({alert.rule_id}): {alert.message} Source: {alert.source}."
                     for alert in blocking)
    if not override.reason.strip():
        raise ClinicalOverrideRequired(
            f"Give an override reason to approve past these clinical alerts. {names}", field="override_reason",
            alerts=[alert.rule_id for alert in blocking],
        )
    if override.prescriber_contacted is None:
        raise ClinicalOverrideRequired(
            "Say whether the prescriber was contacted about the clinical alerts.", field="prescriber_contacted",
            alerts=[alert.rule_id for alert in blocking],
        )
    now = timezone.now()
    OrderAlert.objects.filter(pk__in=[alert.pk for alert in blocking]).update(
        overridden_by=pharmacist, overridden_at=now, override_reason=" ".join(override.reason.split()),
        prescriber_contacted=override.prescriber_contacted,
    )
    return alerts
