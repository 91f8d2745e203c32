"""Repeatable private prescriptions (UK): how many times a prescription may be dispensed, how far apart,
and until when; the issue each order draws; and "order again from this prescription".

The rules, as the pharmacy applies them:
- Repeats are authorised on the whole prescription, as the law puts it ("may be dispensed more than
  once"): `repeatable`, `issues_authorised` and `repeat_interval_days` sit on Prescription, next to the
  dispensing record. Each issue supplies up to every item's quantity again.
- `issues_authorised` counts every dispensing, the first included. Left empty, the UK default applies:
  twice in all, or six times when every item is an oral contraceptive.
- Schedule 2 and 3 controlled drugs cannot be repeatable (REPEAT_PRESCRIPTION_UNREPEATABLE_SCHEDULES).
- Each order drawing on an approved repeatable prescription is one issue (PrescriptionIssue), recorded
  when the order is placed (or, for the order that brought the prescription in, when the pharmacist
  approves it), with `issued_at` = the order's placement time. A cancelled or rejected order frees its issue.
- The first issue must fall within the prescription's `valid_until` (six months). Later issues come at
  least `repeat_interval_days` after the one before, until REPEAT_PRESCRIPTION_VALIDITY_DAYS after the
  date of issue (12 months by default: the law sets no end for repeats; this is our choice).
- The pharmacist still reviews every supply: a repeat order waits in `awaiting_review` like any other.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from catalog.models import Route
from orders.models import Order, OrderStatus

from ..exceptions import (
    InvalidDispensingRecord,
    PrescriptionExpired,
    PrescriptionNotRepeatable,
    RepeatsExhausted,
    RepeatTooEarly,
)
from ..models import Prescription, PrescriptionIssue, PrescriptionStatus

# The statuses that free an issue: the same ones coverage treats as no longer drawing on a prescription.
FREEING_STATUSES = (OrderStatus.REJECTED, OrderStatus.CANCELLED)

__all__ = [
    "RepeatStatus",
    "check_repeat_available",
    "check_repeat_terms",
    "check_supply_in_date",
    "default_issues",
    "ensure_issue_for_order",
    "get_repeat_history",
    "issues_allowed",
    "record_issue",
    "repeat_status",
]


# --- The terms, as the pharmacist records them ---------------------------------------------------------


def _is_oral_contraceptive(product) -> bool:
    prefixes = tuple(settings.ORAL_CONTRACEPTIVE_ATC_PREFIXES)
    return product.route == Route.ORAL and bool(product.atc_code) and product.atc_code.startswith(prefixes)


def default_issues(products) -> int:
    """The UK default when a repeatable prescription states no number: twice, or six times for oral
    contraceptives (only when every item is one: a mixed prescription gets the stricter default)."""
    products = list(products)
    if products and all(_is_oral_contraceptive(product) for product in products):
        return settings.REPEAT_PRESCRIPTION_ORAL_CONTRACEPTIVE_ISSUES
    return settings.REPEAT_PRESCRIPTION_DEFAULT_ISSUES


def check_repeat_terms(*, repeatable: bool, issues_authorised: int | None, interval_days: int | None,
                       products) -> None:
    """Called by validate_dispensing_record. Raises InvalidDispensingRecord with the field to correct."""
    if not repeatable:
        if issues_authorised is not None or interval_days is not None:
            raise InvalidDispensingRecord(
                "Mark the prescription repeatable to record a number of issues or an interval.", field="repeatable"
            )
        return
    unrepeatable = [product for product in products
                    if product.controlled_drug_schedule in settings.REPEAT_PRESCRIPTION_UNREPEATABLE_SCHEDULES]
    if unrepeatable:
        product = unrepeatable[0]
        raise InvalidDispensingRecord(
            f"{product.name} is a Schedule {product.controlled_drug_schedule} controlled drug: a prescription "
            "for it cannot be repeatable.", field="repeatable",
        )
    if issues_authorised is not None and issues_authorised < 2:
        raise InvalidDispensingRecord(
            "A repeatable prescription is dispensed at least twice; leave the number empty for the default.",
            field="issues_authorised",
        )
    if not interval_days or interval_days < 1:
        raise InvalidDispensingRecord(
            "Enter the fewest days between one issue and the next (at least 1).", field="repeat_interval_days"
        )


def issues_allowed(prescription: Prescription) -> int:
    """How many issues the prescription authorises in all (1 when it is not repeatable). Reads the items'
    products, so prefetch `items__pack__product` when showing many."""
    if not prescription.repeatable:
        return 1
    if prescription.issues_authorised is not None:
        return prescription.issues_authorised
    return default_issues(item.pack.product for item in prescription.items.all())


def repeats_end_on(prescription: Prescription) -> date:
    """The last day a later issue may be dispensed (never earlier than the first issue's own end)."""
    end = prescription.issued_on + timedelta(days=settings.REPEAT_PRESCRIPTION_VALIDITY_DAYS)
    return max(end, prescription.valid_until)


# --- The issues --------------------------------------------------------------------------------------


def _live_issues(prescription: Prescription, *, exclude_order_id: int | None = None) -> list[PrescriptionIssue]:
    issues = (PrescriptionIssue.objects.filter(prescription=prescription)
              .exclude(order__status__in=FREEING_STATUSES).order_by("issued_at", "pk"))
    if exclude_order_id is not None:
        issues = issues.exclude(order_id=exclude_order_id)
    return list(issues)


def _lowest_free_number(issues: list[PrescriptionIssue]) -> int:
    taken = {issue.number for issue in issues}
    number = 1
    while number in taken:
        number += 1
    return number


@dataclass(frozen=True)
class RepeatStatus:
    """What the shopper and the pharmacist see of a repeatable prescription."""

    issues_allowed: int
    interval_days: int
    live_issues: list[PrescriptionIssue]
    next_issue_on: date | None  # None: no issue left, or none in date
    repeats_end_on: date

    @property
    def issues_used(self) -> int:
        return len(self.live_issues)

    @property
    def issues_left(self) -> int:
        return max(self.issues_allowed - self.issues_used, 0)


def _next_issue_on(prescription: Prescription, issues: list[PrescriptionIssue]) -> date | None:
    if len(issues) >= issues_allowed(prescription):
        return None
    if not issues:
        return prescription.issued_on
    last = max(issue.issued_at for issue in issues)
    return timezone.localdate(last) + timedelta(days=prescription.repeat_interval_days)


def repeat_status(prescription: Prescription, *, issues: list[PrescriptionIssue] | None = None) -> RepeatStatus | None:
    """None for a prescription that is not (yet) approved as repeatable. `issues`: every issue of the
    prescription, already fetched (with their orders), to avoid a query per prescription."""
    if repeat_status_is_unknown(prescription):
        return None
    if issues is None:
        live = _live_issues(prescription)
    else:
        live = [issue for issue in issues if issue.order.status not in FREEING_STATUSES]
    return RepeatStatus(
        issues_allowed=issues_allowed(prescription), interval_days=prescription.repeat_interval_days,
        live_issues=sorted(live, key=lambda issue: (issue.issued_at, issue.pk)),
        next_issue_on=_next_issue_if_in_date(prescription, live), repeats_end_on=repeats_end_on(prescription),
    )


def _next_issue_if_in_date(prescription: Prescription, issues: list[PrescriptionIssue]) -> date | None:
    """The next issue's first day, or None when no issue is left or the day falls after the repeats' end."""
    available_on = _next_issue_on(prescription, issues)
    if available_on is None:
        return None
    last_day = _last_day_for(prescription, is_first=not issues)
    return available_on if max(available_on, timezone.localdate()) <= last_day else None


def check_repeat_available(*, prescription: Prescription, exclude_order_id: int | None = None,
                           now=None) -> int:
    """May `prescription` be dispensed once more (now)? Returns the number the next issue takes.
    Raises PrescriptionNotRepeatable, RepeatsExhausted, RepeatTooEarly (with `available_on`) or
    PrescriptionExpired. Called by place_order (under the prescription's row lock), the approval, and the
    reorder endpoint and page (to refuse before anything is put in the cart)."""
    if prescription.status != PrescriptionStatus.APPROVED:
        raise PrescriptionNotRepeatable(
            "Our pharmacist has not checked this prescription yet, so it cannot be ordered again.",
            field="prescription",
        )
    if not prescription.repeatable:
        raise PrescriptionNotRepeatable(
            "This prescription is not repeatable: upload a new prescription to order again.", field="prescription"
        )
    now = now or timezone.now()
    today = timezone.localdate(now)
    issues = _live_issues(prescription, exclude_order_id=exclude_order_id)
    allowed = issues_allowed(prescription)
    if len(issues) >= allowed:
        raise RepeatsExhausted(
            f"This prescription may be dispensed {allowed} times, and every issue has been used. "
            "Ask your prescriber for a new prescription.", field="prescription", issues_allowed=allowed,
        )
    number = _lowest_free_number(issues)
    available_on = _next_issue_on(prescription, issues)
    last_day = _last_day_for(prescription, is_first=not issues)
    if issues and available_on > last_day:
        raise PrescriptionExpired(
            f"This prescription cannot be dispensed again: the next issue would be due on {available_on:%d %B %Y}, "
            f"after repeats end on {last_day:%d %B %Y}. Ask your prescriber for a new prescription.",
            field="prescription",
        )
    if issues and available_on > today:
        last = max(issue.issued_at for issue in issues)
        raise RepeatTooEarly(
            f"This prescription can next be dispensed on {available_on:%d %B %Y}: at least "
            f"{prescription.repeat_interval_days} days after the last issue, on {timezone.localdate(last):%d %B %Y}.",
            field="prescription", available_on=available_on.isoformat(),
        )
    _check_in_date(prescription, is_first=not issues, today=today)
    return number


def _last_day_for(prescription: Prescription, *, is_first: bool) -> date:
    """The first issue (no earlier live one) must be within `valid_until`; later ones within the repeats' end."""
    return prescription.valid_until if is_first else repeats_end_on(prescription)


def _check_in_date(prescription: Prescription, *, is_first: bool, today: date) -> None:
    if is_first:
        if prescription.valid_until < today:
            raise PrescriptionExpired(
                f"The prescription expired on {prescription.valid_until:%d %B %Y}.", field="prescription"
            )
        return
    end = repeats_end_on(prescription)
    if end < today:
        raise PrescriptionExpired(
            f"Repeats of this prescription could be dispensed until {end:%d %B %Y}. "
            "Ask your prescriber for a new prescription.", field="prescription",
        )


def check_supply_in_date(*, prescription: Prescription, order: Order | None = None) -> None:
    """The expiry check for a repeatable prescription, by issue: the first issue within `valid_until`,
    later ones within the repeats' end. Without an order: the issue the next order would take."""
    issues = _live_issues(prescription)
    own = next((issue for issue in issues if order is not None and issue.order_id == order.pk), None)
    if own is None:
        is_first = not issues
    else:
        is_first = not any((issue.issued_at, issue.pk) < (own.issued_at, own.pk) for issue in issues)
    _check_in_date(prescription, is_first=is_first, today=timezone.localdate())


def record_issue(*, prescription: Prescription, order: Order, number: int) -> PrescriptionIssue:
    """Record `order` as issue `number`. The caller holds the prescription's row lock and has called
    check_repeat_available in the same transaction."""
    return PrescriptionIssue.objects.create(prescription=prescription, order=order, number=number,
                                            issued_at=order.created_at)


def ensure_issue_for_order(*, prescription: Prescription, order: Order) -> PrescriptionIssue | None:
    """At approval: the order of a repeatable prescription that has no issue yet (it brought the
    prescription in, or was placed before the prescription was approved) takes one now, if the rules
    allow it. The caller holds the order's and the prescription's row locks."""
    if not prescription.repeatable:
        return None
    existing = PrescriptionIssue.objects.filter(order=order).first()
    if existing is not None:
        return existing
    number = check_repeat_available(prescription=prescription, exclude_order_id=order.pk, now=order.created_at)
    return record_issue(prescription=prescription, order=order, number=number)


# --- The history, for the pharmacist's review ---------------------------------------------------------------


@dataclass(frozen=True)
class IssueEntry:
    number: int
    order_number: str
    order_status: str
    issued_at: object  # datetime
    is_live: bool  # False: its order was cancelled or rejected, which freed the issue
    is_this_order: bool


@dataclass(frozen=True)
class RepeatHistory:
    status: RepeatStatus
    issue_number: int | None  # the order's own issue; None until the pharmacist approves the first one
    issues: list[IssueEntry]  # every issue, freed ones too, oldest first

    @property
    def issues_allowed(self) -> int:
        return self.status.issues_allowed


def get_repeat_history(*, order: Order) -> RepeatHistory | None:
    """Issue n of m, and every earlier issue with its date, for the review screen (admin and API).
    None when the order's prescription is not an approved repeatable one. Three queries at most."""
    prescription = order.prescription
    if prescription is None or repeat_status_is_unknown(prescription):
        return None
    issues = list(PrescriptionIssue.objects.filter(prescription=prescription).select_related("order")
                  .order_by("issued_at", "pk"))
    entries = [
        IssueEntry(number=issue.number, order_number=issue.order.number, order_status=issue.order.status,
                   issued_at=issue.issued_at, is_live=issue.order.status not in FREEING_STATUSES,
                   is_this_order=issue.order_id == order.pk)
        for issue in issues
    ]
    own = next((entry.number for entry in entries if entry.is_this_order), None)
    return RepeatHistory(status=repeat_status(prescription, issues=issues), issue_number=own, issues=entries)


def repeat_status_is_unknown(prescription: Prescription) -> bool:
    return not (prescription.repeatable and prescription.status == PrescriptionStatus.APPROVED)
