"""Builders for the repeat-prescription tests: a first order approved on a repeatable prescription, and
moving an issue back in time (the interval is measured from it)."""

import dataclasses
import datetime

from django.utils import timezone

from checkout.services import place_order
from dispensing.approval import approve_order
from prescriptions.models import PrescriptionIssue
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription


def repeatable_record(*items, issues: int | None = None, interval_days: int = 28, **kwargs):
    return dataclasses.replace(dispensing_record(*items, **kwargs), repeatable=True, issues_authorised=issues,
                               repeat_interval_days=interval_days)


def first_issue(user, pharmacist, pack, *, issues: int | None = None, interval_days: int = 28, packs: int = 1):
    """The shopper orders `packs` of `pack` with an upload; the pharmacist approves it as repeatable."""
    order = place_order(user=user, cart=cart_with(user, (pack, packs)), details=details(),
                        idempotency_key="first", prescription=uploaded_prescription(user))
    record = repeatable_record((pack, pack.pack_size * packs), issues=issues, interval_days=interval_days)
    return approve_order(order=order, pharmacist=pharmacist, record=record)


def days_since_last_issue(prescription, days: int) -> None:
    """Pretend the latest issue was placed `days` ago."""
    last = PrescriptionIssue.objects.filter(prescription=prescription).order_by("-issued_at", "-pk").first()
    PrescriptionIssue.objects.filter(pk=last.pk).update(issued_at=timezone.now() - datetime.timedelta(days=days))
