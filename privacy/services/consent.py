"""The privacy notice's revisions and the health-data consent: give, withdraw, and ask whether it holds."""

from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..exceptions import HealthDataConsentRequired, NoConsentToWithdraw, NoPrivacyNotice, PrivacyNoticeOutdated
from ..locks import user_for_privacy_change
from ..models import HealthDataConsent, PrivacyNoticeRevision


def current_notice() -> PrivacyNoticeRevision | None:
    """The published revision in force: the highest number."""
    return PrivacyNoticeRevision.objects.published().order_by("-number").first()


def publish_notice(*, revision: PrivacyNoticeRevision) -> PrivacyNoticeRevision:
    """Freeze a draft for good. An UPDATE of published_at, so the model's guard on saves does not refuse it."""
    if revision.is_published:
        return revision
    now = timezone.now()
    PrivacyNoticeRevision.objects.filter(pk=revision.pk, published_at__isnull=True).update(published_at=now)
    revision.refresh_from_db()
    return revision


def active_consent(*, user) -> HealthDataConsent | None:
    if not user.is_authenticated:
        return None
    return (
        HealthDataConsent.objects.select_related("notice")
        .filter(user=user, withdrawn_at__isnull=True, superseded_at__isnull=True)
        .first()
    )


def has_current_consent(*, user) -> bool:
    """Has the shopper an explicit health-data consent in force, given to a revision that still counts?
    One query: checkout asks it of every order that reveals health data."""
    if not user.is_authenticated:
        return False
    floor = (
        PrivacyNoticeRevision.objects.published()
        .filter(asks_for_consent_again=True)
        .order_by("-number")
        .values("number")[:1]
    )
    return HealthDataConsent.objects.filter(
        user=user,
        withdrawn_at__isnull=True,
        superseded_at__isnull=True,
        notice__number__gte=Coalesce(Subquery(floor), 0),
    ).exists()


def require_current_consent(*, user) -> None:
    """For an order that reveals health data: refuse it without a consent in force."""
    if not has_current_consent(user=user):
        raise HealthDataConsentRequired(field="health_data_consent")


@transaction.atomic
def give_consent(*, user, interface: str, notice_number: int) -> HealthDataConsent:
    """Record the shopper's explicit consent to the revision they were shown (`notice_number`), with its
    words. Giving it again to the same revision changes nothing; consenting to a later one ends the earlier."""
    notice = current_notice()
    if notice is None:
        raise NoPrivacyNotice()
    if notice_number != notice.number:
        raise PrivacyNoticeOutdated(field="notice_version", current=notice.number)
    user_for_privacy_change(user_id=user.pk)
    now = timezone.now()
    active = active_consent(user=user)
    if active is not None and active.notice_id == notice.pk:
        return active
    if active is not None:
        HealthDataConsent.objects.filter(pk=active.pk).update(superseded_at=now)
    return HealthDataConsent.objects.create(
        user=user, notice=notice, text_shown=notice.consent_text, given_at=now, interface=interface
    )


@transaction.atomic
def withdraw_consent(*, user) -> HealthDataConsent:
    """Withdraw the consent in force: new orders that reveal health data are refused until it is given
    again. Nothing already recorded is deleted here; the retention policy decides that."""
    user_for_privacy_change(user_id=user.pk)
    active = active_consent(user=user)
    if active is None:
        raise NoConsentToWithdraw()
    active.withdrawn_at = timezone.now()
    active.save(update_fields=["withdrawn_at"])
    return active


def consent_for_order(*, user, consent=None) -> None:
    """Checkout's gate for an order that reveals health data (registered with checkout.health_data). A
    consent in force lets it through at the cost of one query; otherwise the consent given with the order
    (`consent`: its interface and the revision shown, checkout.health_data.ConsentGiven) is recorded as
    evidence in the order's transaction, or the order is refused. A refused order records no consent."""
    if has_current_consent(user=user):
        return
    if consent is None:
        raise HealthDataConsentRequired(field="health_data_consent")
    notice = current_notice()
    if notice is None:
        raise NoPrivacyNotice()
    if consent.notice_number is not None and consent.notice_number != notice.number:
        raise PrivacyNoticeOutdated(field="privacy_notice_version", current=notice.number)
    _record_consent_with_order(user=user, notice=notice, interface=consent.interface)


def _record_consent_with_order(*, user, notice: PrivacyNoticeRevision, interface: str) -> None:
    """give_consent without the account's row lock: checkout already holds the cart's, and erasure takes
    the account's before deleting the carts, so taking both here could deadlock. The partial unique
    constraint (one active consent per account) settles a race with the account page instead."""
    now = timezone.now()
    # A consent to a revision that no longer counts (one that asked again came after it) ends here.
    HealthDataConsent.objects.filter(user=user, withdrawn_at__isnull=True, superseded_at__isnull=True).update(
        superseded_at=now
    )
    try:
        with transaction.atomic():  # a savepoint: the order's transaction goes on if the race is lost
            HealthDataConsent.objects.create(
                user=user, notice=notice, text_shown=notice.consent_text, given_at=now, interface=interface
            )
    except IntegrityError:
        if not has_current_consent(user=user):  # given meanwhile on another page: it holds
            raise
