import contextlib
import datetime
from unittest import mock

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


@contextlib.contextmanager
def clock_at(moment: datetime.datetime):
    """Every timezone.now() (auto_now_add fields included) answers `moment` meanwhile."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def years_ago(years: int, days: int = 0) -> datetime.datetime:
    now = timezone.now()
    return now.replace(year=now.year - years) - datetime.timedelta(days=days)
