"""Subject access exports: request one (one runs at a time per person), build it (the Celery task), and
hand it over through a signed link that expires and opens only for the signed-in owner.

The ZIP is stored in the private storage (encrypted at rest, or the private bucket), kept as long as the
retention policy's `data_exports` entry says, and then deleted by the nightly clock.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from notifications.services import record_account_message
from pharmacy.storage import delete_every_version_after_commit

from ..exceptions import ExportLimitReached, ExportNotAvailable
from ..export import build_archive, collect_subject_data
from ..locks import export_for_update, user_for_privacy_change
from ..models import RUNNING_EXPORT_STATUSES, DataExport, ExportStatus
from ..retention import retention_policy

logger = logging.getLogger(__name__)

DATA_EXPORT_READY = "data_export_ready"  # the outbox kind (privacy.emails)
# A build takes seconds. One still running after this lost its task (a broker outage, a worker killed
# mid-build): the next request marks it failed and starts afresh, so it cannot block the shopper for good.
GIVE_UP_AFTER = timedelta(hours=2)
# Each build reads everything the shop holds about the person: a few a day serve any real need, and more
# are refused as manifestly excessive (UK GDPR Art. 12(5)). Failed builds do not count.
EXPORTS_PER_DAY = 3
_SIGNING_SALT = "privacy.data-export"


def export_lifetime(*, built_at: datetime) -> timedelta:
    """How long a built export is kept and its links open: the retention policy's period for exports."""
    return built_at - retention_policy().get("data_exports").period.before(built_at)


def latest_export(*, user) -> DataExport | None:
    return DataExport.objects.filter(user=user).order_by("-requested_at", "-pk").first()


def _queue_build(export_id: int) -> None:
    from ..tasks import build_data_export_task  # tasks import services; resolve at call time

    def queue_committed_export() -> None:
        build_data_export_task.delay(export_id)

    # Robust: the request has committed, and a broker outage must not turn it into an error; the export
    # then stays pending until GIVE_UP_AFTER, and the shopper asks again.
    transaction.on_commit(queue_committed_export, robust=True)


@transaction.atomic
def request_export(*, user, interface: str) -> tuple[DataExport, bool]:
    """Start an export, or return the one already running for this person (created: False). Under the
    account's row lock, so two requests at once cannot both start one; the partial unique constraint
    data_export_one_running_per_user refuses it in the database as well. One running for longer than
    GIVE_UP_AFTER is marked failed and replaced. More than EXPORTS_PER_DAY in a day: ExportLimitReached."""
    user_for_privacy_change(user_id=user.pk)
    now = timezone.now()
    running = DataExport.objects.filter(user=user, status__in=RUNNING_EXPORT_STATUSES).first()
    if running is not None and running.requested_at > now - GIVE_UP_AFTER:
        return running, False
    if running is not None:
        logger.warning("Data export %s given up after %s without being built", running.pk, GIVE_UP_AFTER)
        running.status = ExportStatus.FAILED
        running.save(update_fields=["status"])
    today = DataExport.objects.filter(user=user, requested_at__gt=now - timedelta(days=1))
    if today.exclude(status=ExportStatus.FAILED).count() >= EXPORTS_PER_DAY:
        raise ExportLimitReached()
    export = DataExport.objects.create(user=user, interface=interface, requested_at=now)
    _queue_build(export.pk)
    return export, True


def _claim(export_id: int) -> DataExport | None:
    """Mark the export as being built; None when there is nothing to build (already built or failed:
    the broker delivered the task twice; or gone, erased with the account)."""
    with transaction.atomic():
        try:
            export = export_for_update(export_id=export_id)
        except DataExport.DoesNotExist:  # erased with its account meanwhile
            return None
        if export.status not in RUNNING_EXPORT_STATUSES:
            return None
        export.status = ExportStatus.BUILDING
        export.save(update_fields=["status"])
        return export


def build_export(*, export_id: int) -> DataExport | None:
    """Collect, render and store the ZIP, outside any row lock (it reads every app), then mark it ready and
    write the e-mail in one short transaction. A failure marks it failed, so the shopper can ask again.
    None when the export no longer exists (the account was erased before or while it was built)."""
    export = _claim(export_id)
    if export is None:
        return DataExport.objects.filter(pk=export_id).first()
    try:
        archive = build_archive(collect_subject_data(user=export.user), pharmacy_name=settings.PHARMACY_NAME)
        stored_name = export.file.storage.save(export.file.field.generate_filename(export, "export.zip"),
                                               ContentFile(archive))
    except Exception:
        logger.exception("Data export %s failed", export_id)
        DataExport.objects.filter(pk=export_id, status=ExportStatus.BUILDING).update(status=ExportStatus.FAILED)
        raise
    built_at = timezone.now()
    storage = export.file.storage
    with transaction.atomic():
        try:
            export = export_for_update(export_id=export_id)
        except DataExport.DoesNotExist:  # erased with its account while it was built
            export = None
        if export is None or export.status != ExportStatus.BUILDING:  # or built by a twin delivery of the task
            delete_every_version_after_commit(storage, [stored_name])  # after the lock, every version
            return export
        export.file.name = stored_name
        export.status = ExportStatus.READY
        export.built_at = built_at
        export.expires_at = built_at + export_lifetime(built_at=built_at)
        export.size_bytes = len(archive)
        export.save(update_fields=["file", "status", "built_at", "expires_at", "size_bytes"])
        record_account_message(user=export.user, kind=DATA_EXPORT_READY)
    logger.info("Data export %s built: %d bytes", export_id, len(archive))
    return export


def download_token(*, export: DataExport) -> str:
    """The signed part of the download link: names the export, and carries the time it was signed."""
    return signing.TimestampSigner(salt=_SIGNING_SALT).sign(str(export.pk))


def export_for_download(*, user, token: str) -> DataExport:
    """The ready export a link names, for its signed-in owner only, while it has not expired. Anything
    else (tampered, too old, someone else's, deleted) is the same ExportNotAvailable."""
    try:
        export_id = int(signing.TimestampSigner(salt=_SIGNING_SALT).unsign(
            token, max_age=export_lifetime(built_at=timezone.now())))
    except (signing.BadSignature, ValueError):
        raise ExportNotAvailable() from None
    export = DataExport.objects.filter(pk=export_id, user_id=user.pk, status=ExportStatus.READY).first()
    if export is None or not export.file or export.expires_at is None or export.expires_at <= timezone.now():
        raise ExportNotAvailable()
    return export


def read_export(*, export: DataExport) -> bytes:
    with export.file.open("rb") as handle:
        return handle.read()
