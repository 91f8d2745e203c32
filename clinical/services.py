"""Running the clinical checks wherever an order is formed: the cart, checkout and the pharmacist's review.

Each entry point gathers its inputs in a fixed number of queries (the lines with their strengths, the
prescription's directions, the patient's recent supplies) whatever the number of lines and rules, then
calls the pure `clinical.checks.run_checks`.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from catalog.models import LegalCategory, Strength
from orders.models import LineDecision, Order, OrderLine, OrderStatus
from patients.details import PatientDetails
from patients.facts import PatientFacts
from patients.models import Patient as HealthRecord
from pharmacy.compiled_query import CompiledQuery
from prescriptions.models import PrescriptionItem
from prescriptions.services.coverage import medicine_key

from . import context
from .checks import ActiveIngredient, Alert, ClinicalOverride, Directions, Medicine, Origin, run_checks
from .exceptions import ClinicalCheckRefused, ClinicalOverrideRequired
from .models import OrderAlert
from .rule_index import Matcher
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


def medicine_for_pack(pack, *, key: str = "", origin: str = Origin.ORDER, directions=(), supplied_on=None,
                      dose_key: str = "", needs_directions: bool = False) -> Medicine:
    """`pack` with its product and strengths (and their ingredients) already loaded."""
    return Medicine(
        name=pack.display_name, key=key, origin=origin, atc_code=pack.product.atc_code,
        legal_category=pack.product.legal_category, dosage_form=pack.product.dosage_form,
        directions=directions, supplied_on=supplied_on,
        ingredients=tuple(_ingredient(strength) for strength in pack.strengths.all()),
        dose_key=dose_key, needs_directions=needs_directions,
    )


def age_ruled_pack_ids(*, packs: Sequence) -> set[int]:
    """The packs an age rule of the rule table covers (a dose or a use that depends on age): checkout asks
    for the patient's date of birth for them, and only for them and the other age-limited medicines.
    `packs` with their product and strengths (and ingredients) loaded; no query."""
    matcher = Matcher(rule_table().index)
    ruled = set()
    for pack in packs:
        medicine = medicine_for_pack(pack)
        for rule in matcher.rules_for([medicine]):
            # A tablets-only age rule says nothing about the children's liquid (as the check itself reads it).
            other_form = rule.dosage_forms and medicine.dosage_form and medicine.dosage_form not in rule.dosage_forms
            if rule.kind == Kind.AGE and not other_form and matcher.matches(medicine, rule.subjects):
                ruled.add(pack.pk)
                break
    return ruled


def directions_of(item: PrescriptionItem | None) -> Directions | None:
    if item is None or (item.dose is None and not item.as_directed):
        return None
    return Directions(dose=item.dose, dose_unit=item.dose_unit, times_per_day=item.times_per_day,
                      as_directed=item.as_directed, every_days=item.every_days)


def recent_supplies(*, user, patient: PatientDetails, exclude_order_id: int | None = None) -> list[Medicine]:
    """What this pharmacy supplied to the same patient of the same account within CLINICAL_HISTORY_DAYS:
    lines of approved, dispatched or delivered orders that the pharmacist did not refuse. Two queries."""
    if user is None or not getattr(user, "pk", None):
        return []
    same_patient = _same_patient(patient)
    if same_patient is None:
        return []
    since = timezone.now() - timedelta(days=settings.CLINICAL_HISTORY_DAYS)
    if patient.is_account_holder:  # every checkout for the account holder: its SQL compiled once per process
        shape = {"record_id": patient.record_id, "exclude_order_id": exclude_order_id}
        lines = _COMPILED_ACCOUNT_HOLDER_SUPPLIES[(patient.record_id is None, exclude_order_id is None)].run(
            user_id=user.pk, since=since, **{name: value for name, value in shape.items() if value is not None})
    else:  # a patient matched by name: a LIKE on SQLite, whose escaped name a compiled query would not redo
        lines = list(_supplied_lines(same_patient=same_patient, user_id=user.pk, since=since,
                                     exclude_order_id=exclude_order_id))
    prefetch_related_objects(lines, STRENGTHS)
    return [medicine_for_pack(line.pack, origin=Origin.SUPPLIED, supplied_on=timezone.localdate(line.ordered_at))
            for line in lines]


def _supplied_lines(*, same_patient: Q, user_id: int, since, exclude_order_id: int | None) -> QuerySet[OrderLine]:
    return (
        OrderLine.objects.filter(same_patient, order__user_id=user_id, order__status__in=SUPPLIED_STATUSES,
                                 order__created_at__gte=since)
        .exclude(decision=LineDecision.REFUSED)
        .exclude(order_id=exclude_order_id)
        # Only the order's date, not its row: checkout runs this on every order, and compiling the
        # order's three dozen columns into the query took longer than PostgreSQL took to answer it.
        .select_related("pack__product").annotate(ordered_at=F("order__created_at"))
        .order_by("-order__created_at", "pk")
    )


def _compiled_account_holder_supplies(*, with_record: bool, excluding: bool) -> CompiledQuery:
    """The account holder's supplied lines, for a patient with or without a record id, excluding an order or
    not: each shape its own SQL, found again by stand-ins no row has."""
    stand_ins = {"user_id": -4_242_431, "since": datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=UTC)}
    if with_record:
        stand_ins["record_id"] = -4_242_432
    if excluding:
        stand_ins["exclude_order_id"] = -4_242_433

    def build(*, user_id, since, record_id=None, exclude_order_id=None):
        return _supplied_lines(same_patient=_same_patient(PatientDetails(record_id=record_id)), user_id=user_id,
                               since=since, exclude_order_id=exclude_order_id)

    return CompiledQuery(OrderLine, build, **stand_ins)


# Keyed by (no record id, no order excluded).
_COMPILED_ACCOUNT_HOLDER_SUPPLIES = {
    (not with_record, not excluding): _compiled_account_holder_supplies(with_record=with_record, excluding=excluding)
    for with_record in (True, False) for excluding in (True, False)
}


def _same_patient(patient: PatientDetails) -> Q | None:
    """The orders of the patient's health record, never of whoever shares a name and date of birth (two
    people may, and a name is typed differently from one order to the next). Orders placed before orders
    named a record are matched as they were then."""
    unlinked = Q(order__patient_record__isnull=True) & (Q(order__patient_is_account_holder=True)
                                                        if patient.is_account_holder else Q(
        order__patient_is_account_holder=False, order__patient_name__iexact=" ".join(patient.name.split()),
        order__patient_date_of_birth=patient.date_of_birth,
    ))
    if patient.record_id is not None:
        return Q(order__patient_record_id=patient.record_id) | unlinked
    if patient.is_account_holder:
        return Q(order__patient_record__is_account_holder=True) | unlinked
    return None  # someone named without a record yet: they have no history here


# run_checks is a pure function of its inputs (clinical.checks), and the cart page asks it the same question
# on every request until the cart or the patient changes: its answers are kept per process, by the lines,
# facts, supplies, day and jurisdiction, for the table they came from (a reloaded table starts afresh).
# Alerts are frozen, so an answer is shared safely; a full memo is emptied rather than grown. The memo is
# keyed by a digest of the question, not by the question itself: a worker's memory then keeps no patient's
# date of birth, allergies, conditions or free-text medicines after the request, not even of a record since
# erased. An answer names only the rule, the medicines and what the rule found (a condition, a dose).
_CHECKS_MEMO_SIZE = 512
_checks_memo: dict[bytes, tuple[Alert, ...]] = {}
_checks_memo_table = None


def _question_digest(*, lines: Sequence[Medicine], facts: PatientFacts, supplied: Sequence[Medicine],
                     today, jurisdiction: str) -> bytes:
    """The question as bytes that every asking of it shares. The facts' sets are written sorted (equal sets
    may list their members in different orders); the rest are frozen dataclasses, strings, Decimals and
    dates, whose repr names every field, so two different questions never share a digest."""
    facts_values = [sorted(value) if isinstance(value, frozenset) else value
                    for value in (getattr(facts, item.name) for item in fields(facts))]
    question = (tuple(lines), facts_values, tuple(supplied), today, jurisdiction)
    return hashlib.blake2b(repr(question).encode(), digest_size=32).digest()


def _run(*, lines: Sequence[Medicine], facts: PatientFacts, supplied: Sequence[Medicine]) -> list[Alert]:
    global _checks_memo_table
    table, today, jurisdiction = rule_table(), timezone.localdate(), settings.CLINICAL_JURISDICTION
    if table is not _checks_memo_table:
        _checks_memo.clear()
        _checks_memo_table = table
    key = _question_digest(lines=lines, facts=facts, supplied=supplied, today=today, jurisdiction=jurisdiction)
    alerts = _checks_memo.get(key)
    if alerts is None:
        alerts = tuple(run_checks(table=table, lines=lines, facts=facts, supplied=supplied, today=today,
                                  jurisdiction=jurisdiction))
        if len(_checks_memo) >= _CHECKS_MEMO_SIZE:
            _checks_memo.clear()
        _checks_memo[key] = alerts
    return list(alerts)


def refuses_checkout(alert: Alert, lines_by_key: dict[str, Medicine]) -> bool:
    """Checkout refuses a contraindication involving an over-the-counter (GSL or P) line, and an age the
    medicine is not for (contraindicated; or major for an over-the-counter line). The rest is advice."""
    otc = any(lines_by_key[key].legal_category in OVER_THE_COUNTER for key in alert.line_keys if key in lines_by_key)
    if alert.kind == Kind.AGE:
        return alert.severity == Severity.CONTRAINDICATED or (otc and alert.severity == Severity.MAJOR)
    return otc and alert.severity == Severity.CONTRAINDICATED


def advice_for_cart(*, user, cart_lines: Sequence, patient: PatientDetails | None = None,
                    record: HealthRecord | None = None) -> CartAdvice:
    """The checks on a cart, for showing: what checkout would refuse, and the advice it would keep.
    `cart_lines` come from cart.selectors.list_cart_lines (packs, products and strengths loaded);
    `record` is the patient's health record when the caller has read it already."""
    patient = patient or PatientDetails()
    medicines = [medicine_for_pack(line.pack, key=line.pack.sku) for line in cart_lines]
    if not medicines:
        return CartAdvice()
    by_key = {medicine.key: medicine for medicine in medicines}
    alerts = _run(lines=medicines, facts=context.facts_for_checkout(user, patient, record=record),
                  supplied=recent_supplies(user=user, patient=patient))
    result = CartAdvice()
    for alert in alerts:
        (result.refused if refuses_checkout(alert, by_key) else result.advice).append(alert)
    return result


def check_checkout(*, user, patient: PatientDetails, lines: Sequence,
                   record: HealthRecord | None = None) -> list[Alert]:
    """Checkout's clinical checks. Raises ClinicalCheckRefused (with the reason and "talk to our
    pharmacist") for what must not be sold; returns the advice to keep with the order (record_order_alerts)."""
    result = advice_for_cart(user=user, cart_lines=lines, patient=patient, record=record)
    if result.refused:
        alert = result.refused[0]
        field = "patient_date_of_birth" if alert.kind == Kind.AGE else "cart"  # shown next to what refused it
        # The advice may already send the patient to our pharmacist: say it once.
        talk = "" if "our pharmacist" in alert.advice.lower() else f" {TALK_TO_PHARMACIST}"
        raise ClinicalCheckRefused(
            f"{alert.advice}{talk}", field=field, rule_id=alert.rule_id, severity=alert.severity,
            source=alert.source, skus=list(alert.line_keys),
        )
    return result.advice


def needs_pharmacist_review(*, alerts: Sequence[Alert]) -> bool:
    """Does checkout's advice alone send the order to the pharmacist? A major or contraindicated alert
    needs someone who can judge it, even on an order of general-sale medicines that would otherwise be
    approved at once (CLINICAL_REVIEW_GSL_MAJOR_ALERTS, on by default)."""
    return settings.CLINICAL_REVIEW_GSL_MAJOR_ALERTS and any(alert.needs_override for alert in alerts)


def _stored(order: Order, alerts: Sequence[Alert], lines_by_sku: dict, *, at_review: bool
            ) -> list[tuple[OrderAlert, list]]:
    """Each alert as a row to keep, with every order line it involves."""
    stored = []
    for alert in alerts:
        involved = [lines_by_sku[key] for key in alert.line_keys if key in lines_by_sku]
        stored.append((OrderAlert(
            order=order, line=involved[0] if involved else None, rule_id=alert.rule_id, kind=alert.kind,
            severity=alert.severity, message=alert.message, advice=alert.advice, source=alert.source,
            subjects=list(alert.subjects), raised_at_review=at_review,
        ), involved))
    return stored


def _keep(stored: list[tuple[OrderAlert, list]]) -> list[OrderAlert]:
    """Insert the alerts and their involved lines (two queries, whatever the number)."""
    if not stored:
        return []
    alerts = OrderAlert.objects.bulk_create([alert for alert, _ in stored])
    Involved = OrderAlert.lines.through
    Involved.objects.bulk_create([Involved(orderalert_id=alert.pk, orderline_id=line.pk)
                                  for alert, (_, lines) in zip(alerts, stored, strict=True) for line in lines])
    return alerts


def order_alerts(*, order: Order):
    """The order's alerts with their involved lines, oldest first (one query)."""
    return OrderAlert.objects.filter(order=order).with_line_ids().order_by("pk")


def record_order_alerts(*, order: Order, alerts: Sequence[Alert]) -> list[OrderAlert]:
    """Keep checkout's advice with the order it was given for (three queries, or none without alerts)."""
    if not alerts:
        return []
    lines_by_sku = {line.sku: line for line in order.lines.all()}
    return _keep(_stored(order, alerts, lines_by_sku, at_review=False))


def _directions_by_medicine(order: Order) -> dict[tuple[int, str], tuple[Directions, ...]] | None:
    """The prescription's structured directions by medicine and strength, as coverage reads the
    prescription (any pack of them): every item of one medicine and strength counts. None while the
    prescription's items are not recorded yet (no prescription, or one still only submitted)."""
    if not order.prescription_id:
        return None
    items = list(PrescriptionItem.objects.filter(prescription_id=order.prescription_id)
                 .select_related("pack").prefetch_related(STRENGTHS).order_by("pk"))
    if not items:
        return None
    found: dict[tuple[int, str], tuple[Directions, ...]] = {}
    for item in items:
        key = medicine_key(item)
        found.setdefault(key, ())
        if (directions := directions_of(item)) is not None:
            found[key] += (directions,)
    return found


def _dose_key(key: tuple[int, str]) -> str:
    return f"{key[0]}:{key[1]}"


def review_alerts(*, order: Order) -> list[OrderAlert]:
    """Run the checks again for the pharmacist, now with the prescription's recorded directions, and keep
    any new alert. Returns every alert of the order, with its involved lines. A constant number of queries.

    Directions are found by medicine and strength, as coverage finds what the prescription authorises:
    a prescription recorded on the 84-tablet pack gives the directions of an order of 28-tablet packs.
    Once the prescription's items are recorded, a prescription-only line without structured directions
    raises the missing-directions alert."""
    lines = list(order.lines.select_related("pack__product").prefetch_related(STRENGTHS).order_by("pk"))
    directions = _directions_by_medicine(order)
    medicines = []
    for line in lines:
        if line.decision == LineDecision.REFUSED:
            continue
        key = medicine_key(line)
        prescription_only = line.legal_category == LegalCategory.PRESCRIPTION
        medicines.append(medicine_for_pack(
            line.pack, key=line.sku, directions=(directions or {}).get(key, ()), dose_key=_dose_key(key),
            needs_directions=prescription_only and directions is not None,
        ))
    patient = PatientDetails.of_order(order)
    alerts = _run(lines=medicines, facts=context.facts_for_order(order),
                  supplied=recent_supplies(user=order.user, patient=patient, exclude_order_id=order.pk))
    existing = list(order_alerts(order=order))
    known = {(alert.rule_id, tuple(alert.line_ids), tuple(alert.subjects)) for alert in existing}
    lines_by_sku = {line.sku: line for line in lines}
    new = [(alert, involved) for alert, involved in _stored(order, alerts, lines_by_sku, at_review=True)
           if (alert.rule_id, tuple(sorted(line.pk for line in involved)), tuple(alert.subjects)) not in known]
    if not new:
        return existing
    _keep(new)
    return list(order_alerts(order=order))


def _blocks(alert: OrderAlert, *, refused_lines: set[int], line: OrderLine | None) -> bool:
    """Does `alert` stop this approval? A major or contraindicated alert not yet overridden stops the
    approval of any line it involves (of the whole order: every one), unless one of its lines was
    refused: without that medicine the checks, run again, keep whatever still applies as a new alert."""
    if not alert.needs_override or alert.is_overridden:
        return False
    involved = set(alert.line_ids)
    if involved & refused_lines:
        return False
    return line is None or not involved or line.pk in involved


def check_approval(*, order: Order, pharmacist, override: ClinicalOverride | None = None,
                   line: OrderLine | None = None) -> list[OrderAlert]:
    """Before the pharmacist approves the order (or one of its lines): re-run the checks, and refuse to go
    past a major or contraindicated alert involving it without an override reason and whether the
    prescriber was contacted. Records the override on each alert it covers. Call inside the approval's
    transaction; call it for the whole order (no `line`) before the order moves to approved."""
    alerts = review_alerts(order=order)
    refused_lines = set(order.lines.filter(decision=LineDecision.REFUSED).values_list("pk", flat=True))
    blocking = [alert for alert in alerts if _blocks(alert, refused_lines=refused_lines, line=line)]
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
