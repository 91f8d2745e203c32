"""Erasure requests: the shopper asks (account page or API) and confirms by the e-mailed link, which erases
at once; requests that arrive by e-mail or post are entered by staff, who answer them by their deadline
(one month, GDPR Art. 12(3)) with the same erasure. Each completed request keeps its report."""

from datetime import date, datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.services import record_account_message

from ...exceptions import ErasureLinkInvalid, ErasureRequestClosed
from ...models import OPEN_ERASURE_STATUSES, ErasureChannel, ErasureRequest, ErasureStatus
from ...retention import Period
from .account import ensure_may_be_erased, erase_account

ANSWER_WITHIN = Period(1, "month")
LINK_SALT = "privacy.erasure.confirm"
LINK_MAX_AGE_SECONDS = 3 * 24 * 3600


class ErasureMessageKind:
    """The outbox kinds (registered at PrivacyConfig.ready(); builders in privacy/emails.py)."""

    CONFIRMATION = "erasure_confirmation"
    REPORT = "erasure_report"


def confirmation_token(request: ErasureRequest) -> str:
    return signing.dumps({"request": request.pk, "user": request.user_id}, salt=LINK_SALT, compress=True)


def request_for_token(token: str) -> ErasureRequest:
    """The request the link names; ErasureLinkInvalid if it was forged or has expired (the report of a
    completed request stays readable through its link until then)."""
    try:
        value = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE_SECONDS)
    except signing.BadSignature:
        raise ErasureLinkInvalid() from None
    request = ErasureRequest.objects.filter(pk=value.get("request"), user_id=value.get("user")).first()
    if request is None:
        raise ErasureLinkInvalid()
    return request


def request_erasure(*, user, channel: str, today: date | None = None) -> ErasureRequest:
    """The shopper's request: e-mails a confirmation link. Asking again while one is open returns it (and
    e-mails the link again)."""
    ensure_may_be_erased(user)
    today = today or timezone.localdate()
    with transaction.atomic():
        request = ErasureRequest.objects.filter(user=user, status__in=OPEN_ERASURE_STATUSES).first()
        if request is None:
            try:
                with transaction.atomic():
                    request = ErasureRequest.objects.create(
                        user=user, channel=channel, status=ErasureStatus.AWAITING_CONFIRMATION,
                        received_on=today, deadline=ANSWER_WITHIN.after(today),
                    )
            except IntegrityError:  # a concurrent request won the race: use it
                request = ErasureRequest.objects.get(user=user, status__in=OPEN_ERASURE_STATUSES)
        record_account_message(user=user, kind=ErasureMessageKind.CONFIRMATION)
    return request


def receive_erasure_request(*, user, channel: str, received_on: date) -> ErasureRequest:
    """A request that arrived by e-mail or post, entered by staff: it waits in the queue until its deadline."""
    if channel not in (ErasureChannel.EMAIL, ErasureChannel.POST):
        raise ValueError("Staff enter requests received by e-mail or post.")
    ensure_may_be_erased(user)
    return ErasureRequest.objects.create(
        user=user, channel=channel, status=ErasureStatus.RECEIVED,
        received_on=received_on, deadline=ANSWER_WITHIN.after(received_on),
    )


def carry_out_erasure(*, request: ErasureRequest, actor=None, now: datetime | None = None) -> ErasureRequest:
    """Erase the request's account and keep the report on the request; e-mail the report to the address the
    account had. A completed request is returned as it is (a link opened twice erases once)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = ErasureRequest.objects.select_related("user").get(pk=request.pk)
        if request.status == ErasureStatus.COMPLETED:
            return request
        if request.status not in OPEN_ERASURE_STATUSES:
            raise ErasureRequestClosed()
        address = request.user.email
        request.report = erase_account(user=request.user, now=now)
        # To the address the account had; the outbox row forgets it once the report is sent.
        record_account_message(user=request.user, kind=ErasureMessageKind.REPORT, recipient=address)
        request.status = ErasureStatus.COMPLETED
        request.completed_at = now
        request.completed_by = actor
        request.save(update_fields=["report", "status", "completed_at", "completed_by"])
    return request


def confirm_erasure(*, token: str, now: datetime | None = None) -> ErasureRequest:
    """The shopper opened the e-mailed link and confirmed: the account is erased now."""
    return carry_out_erasure(request=request_for_token(token), now=now)


def latest_report(*, user) -> dict | None:
    request = ErasureRequest.objects.filter(user=user, status=ErasureStatus.COMPLETED).order_by("-completed_at").first()
    return request.report if request else None
