"""The retention clock: applies privacy/retention.yaml to every kind of record, in batches, idempotently.

Each kind's step finds the records whose trigger is older than the policy's period and deletes or
anonymises them, BATCH_SIZE at a time; a record already dealt with no longer matches, so a second run
changes nothing. The run and its counts are stored (RetentionRun) for /metrics/pharmacy, and each kind
logs one line with its count, never a person.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from dispensing.register import anonymise_register_entries
from orders.models import Order, OrderLine, OrderStatus
from patients.models import Patient
from patients.retention import delete_health_records, purge_access_logs
from payments.models import Payment
from pharmacy.storage import delete_every_version
from prescriptions.models import Prescription
from prescriptions.retention import purge_file_access_logs
from safeguards.models import OrderContact

from ..models import DataExport, ExportStatus, HealthDataConsent, RetentionRun, RetentionRunCount
from ..retention import RetentionPolicy, retention_policy

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# Dispatched counts as closed: the supply is complete whether or not a delivery is ever recorded.
CLOSED_ORDER_STATUSES = [OrderStatus.DISPATCHED, OrderStatus.DELIVERED, OrderStatus.REJECTED, OrderStatus.CANCELLED]


def _batches(step: Callable[[], int]) -> int:
    """Run one batch after another, each in its own transaction, until a batch finds nothing."""
    total = 0
    while True:
        with transaction.atomic():
            changed = step()
        total += changed
        if changed < BATCH_SIZE:
            return total


def _closed_orders(before: datetime):
    """Orders closed (delivered, rejected, cancelled) before `before`: their last status change is older."""
    return (
        Order.objects.filter(status__in=CLOSED_ORDER_STATUSES)
        .annotate(closed_at=Coalesce(Max("events__created_at"), "updated_at"))
        .filter(closed_at__lt=before)
    )


def anonymise_orders(*, before: datetime) -> int:
    """Keep the totals, tax lines and payments for the accounts; remove who and where."""

    def step() -> int:
        pks = list(_closed_orders(before).exclude(email="").order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
        Payment.objects.filter(order_id__in=pks).update(card_last4="", card_fingerprint="")
        OrderContact.objects.filter(order_id__in=pks).delete()
        return Order.objects.filter(pk__in=pks).update(
            email="",
            full_name="",
            phone="",
            address_line1="",
            address_line2="",
            city="",
            postcode="",
            patient_name="",
            patient_date_of_birth=None,
        )

    return _batches(step)


def delete_consultation_answers(*, before: datetime) -> int:
    def step() -> int:
        pks = list(
            OrderLine.objects.filter(order__in=_closed_orders(before).values("pk"))
            .exclude(consultation_answers=[])
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        return OrderLine.objects.filter(pk__in=pks).update(consultation_answers=[])

    return _batches(step)


def _prescriptions_last_used_before(before: datetime):
    """Prescriptions whose last supply (the last order against them changing state), or their upload when
    never used, is older than `before`; none with an order still open."""
    return (
        Prescription.objects.exclude(
            orders__status__in=[s for s in OrderStatus.values if s not in CLOSED_ORDER_STATUSES]
        )
        .annotate(last_used=Greatest("uploaded_at", Coalesce(Max("orders__updated_at"), "uploaded_at")))
        .filter(last_used__lt=before)
    )


def delete_prescription_files(*, before: datetime) -> int:
    """Delete each scan from the store (every version, where the bucket keeps them), then forget its name.

    Files first, inside the batch's transaction, unlike erasure (which deletes after commit): a failed
    delete raises, the batch rolls back and the next night tries again with the name still on the row.
    Forgetting the name first could leave a stored scan that no row names and no run would find. A row
    update failing after the deletes leaves names of files already gone, which the next run deletes again
    harmlessly (a delete of a missing object succeeds)."""

    def step() -> int:
        rows = list(
            _prescriptions_last_used_before(before)
            .exclude(file="")
            .order_by("pk")
            .values_list("pk", "file")[:BATCH_SIZE]
        )
        storage = Prescription._meta.get_field("file").storage
        for _pk, name in rows:
            delete_every_version(storage, name)
        return Prescription.objects.filter(pk__in=[pk for pk, _name in rows]).update(file="")

    return _batches(step)


def anonymise_prescription_records(*, before: datetime) -> int:
    def step() -> int:
        pks = list(
            _prescriptions_last_used_before(before)
            .filter(~Q(patient_name="") | Q(patient_date_of_birth__isnull=False) | ~Q(original_filename=""))
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        return Prescription.objects.filter(pk__in=pks).update(
            patient_name="", patient_date_of_birth=None, original_filename=""
        )

    return _batches(step)


def delete_closed_account_health_records(*, before: datetime) -> int:
    """Health records of closed (inactive) accounts whose last sign-in (or sign-up) is older than `before`.
    Orders and prescriptions keep their own snapshot of the patient and let go of the record first."""

    def step() -> int:
        pks = list(
            Patient.objects.filter(owner__is_active=False)
            .annotate(closed_after=Coalesce("owner__last_login", "owner__date_joined"))
            .filter(closed_after__lt=before)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        Order.objects.filter(patient_record_id__in=pks).update(patient_record=None)
        Prescription.objects.filter(patient_record_id__in=pks).update(patient_record=None)
        return delete_health_records(patient_ids=pks)

    return _batches(step)


def delete_consents(*, before: datetime) -> int:
    def step() -> int:
        pks = list(
            HealthDataConsent.objects.filter(Q(withdrawn_at__lt=before) | Q(superseded_at__lt=before))
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH_SIZE]
        )
        return HealthDataConsent.objects.filter(pk__in=pks).delete()[0]

    return _batches(step)


def delete_data_exports(*, before: datetime) -> int:
    def step() -> int:
        rows = list(
            DataExport.objects.filter(built_at__lt=before)
            .exclude(status=ExportStatus.EXPIRED)
            .order_by("pk")
            .values_list("pk", "file")[:BATCH_SIZE]
        )
        storage = DataExport._meta.get_field("file").storage
        for _pk, name in rows:
            if name:
                delete_every_version(storage, name)
        return DataExport.objects.filter(pk__in=[pk for pk, _name in rows]).update(status=ExportStatus.EXPIRED, file="")

    return _batches(step)


def _register(*, before: datetime) -> int:
    return _batches(lambda: anonymise_register_entries(supplied_before=before, limit=BATCH_SIZE))


def _access_logs(*, before: datetime) -> int:
    return (_batches(lambda: purge_access_logs(accessed_before=before, limit=BATCH_SIZE))
            + _batches(lambda: purge_file_access_logs(accessed_before=before, limit=BATCH_SIZE)))


STEPS: dict[str, Callable[..., int]] = {
    "prescription_register": _register,
    "orders": anonymise_orders,
    "prescription_files": delete_prescription_files,
    "prescription_records": anonymise_prescription_records,
    "consultation_answers": delete_consultation_answers,
    "closed_account_health_records": delete_closed_account_health_records,
    "access_logs": _access_logs,
    "health_data_consents": delete_consents,
    "data_exports": delete_data_exports,
}


def apply_retention(*, now: datetime | None = None, policy: RetentionPolicy | None = None) -> RetentionRun:
    """Apply every entry of the policy whose action is not `keep`, as of `now`, and record the counts."""
    now = now or timezone.now()
    policy = policy or retention_policy()
    run = RetentionRun.objects.create(started_at=timezone.now(), policy_version=policy.version)
    for rule in policy.rules:
        count = 0 if rule.action == "keep" else STEPS[rule.kind](before=rule.period.before(now))
        RetentionRunCount.objects.create(run=run, kind=rule.kind, action=rule.action, count=count)
        logger.info(
            "retention %s: %s %d record(s) older than %s after %s",
            rule.kind,
            rule.action,
            count,
            rule.period,
            rule.trigger,
        )
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run
