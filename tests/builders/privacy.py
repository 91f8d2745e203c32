import datetime

from django.utils import timezone

from privacy.models import PrivacyNoticeRevision


def published_notice(number: int = 1, *, asks_for_consent_again: bool = False) -> PrivacyNoticeRevision:
    """The revision the migrations publish, or another: transactional tests flush the migrations' row."""
    revision = PrivacyNoticeRevision.objects.filter(number=number).first()
    if revision is None:
        revision = PrivacyNoticeRevision.objects.create(
            number=number,
            effective_on=datetime.date(2026, 12, 1),
            body=f"## Revision {number}\nWhat we hold.",
            consent_text=f"I consent to the use of my health data (wording {number}).",
            asks_for_consent_again=asks_for_consent_again,
            published_at=timezone.now(),
        )
    return revision
