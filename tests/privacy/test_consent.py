"""Explicit health-data consent: stored as evidence (revision, words, time, interface), given and withdrawn
in the storefront and the API, and a privacy notice whose published revisions never change."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils.html import escape

from privacy.exceptions import HealthDataConsentRequired, NoConsentToWithdraw, PrivacyNoticeOutdated
from privacy.models import ConsentInterface, HealthDataConsent, PrivacyNoticeRevision
from privacy.services import (
    give_consent,
    has_current_consent,
    publish_notice,
    require_current_consent,
    withdraw_consent,
)
from tests.builders.privacy import published_notice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return UserFactory(health_data_consent=False)


@pytest.fixture
def other_user(db):
    return UserFactory(health_data_consent=False)

CONSENT_URL = "/api/v1/me/health-data-consent/"


def test_consent_is_stored_as_evidence_of_the_revision_and_words_shown(user):
    notice = published_notice()

    consent = give_consent(user=user, interface=ConsentInterface.API, notice_number=notice.number)

    assert (consent.notice, consent.text_shown, consent.interface) == (notice, notice.consent_text, "api")
    assert consent.given_at is not None and consent.withdrawn_at is None
    assert has_current_consent(user=user)
    require_current_consent(user=user)  # no refusal


def test_without_consent_an_order_revealing_health_data_is_refused(user):
    published_notice()

    assert not has_current_consent(user=user)
    with pytest.raises(HealthDataConsentRequired) as refused:
        require_current_consent(user=user)
    assert (refused.value.code, refused.value.http_status) == ("health_data_consent_required", 422)


def test_withdrawal_stops_the_consent_but_keeps_the_evidence(user):
    notice = published_notice()
    give_consent(user=user, interface=ConsentInterface.STOREFRONT, notice_number=notice.number)

    withdrawn = withdraw_consent(user=user)

    assert withdrawn.withdrawn_at is not None
    assert not has_current_consent(user=user)
    assert HealthDataConsent.objects.filter(user=user).count() == 1
    with pytest.raises(NoConsentToWithdraw):
        withdraw_consent(user=user)


def test_consenting_twice_to_one_revision_records_it_once_and_a_later_revision_supersedes(user, other_user):
    first = published_notice()
    give_consent(user=user, interface=ConsentInterface.API, notice_number=first.number)
    give_consent(user=user, interface=ConsentInterface.API, notice_number=first.number)
    give_consent(user=other_user, interface=ConsentInterface.API, notice_number=first.number)
    assert HealthDataConsent.objects.filter(user=user).count() == 1

    second = published_notice(2)
    with pytest.raises(PrivacyNoticeOutdated):
        give_consent(user=user, interface=ConsentInterface.API, notice_number=first.number)
    assert has_current_consent(user=user)  # revision 2 does not ask again: the first consent still counts
    latest = give_consent(user=user, interface=ConsentInterface.API, notice_number=second.number)

    earlier = HealthDataConsent.objects.get(user=user, notice=first)
    assert earlier.superseded_at is not None and earlier.withdrawn_at is None
    assert latest.is_active and has_current_consent(user=user) and has_current_consent(user=other_user)


def test_a_revision_that_asks_again_ends_the_count_of_earlier_consents(user):
    first = published_notice()
    give_consent(user=user, interface=ConsentInterface.API, notice_number=first.number)

    published_notice(2, asks_for_consent_again=True)

    assert not has_current_consent(user=user)


def test_the_database_refuses_two_active_consents_for_one_account(user):
    notice = published_notice()
    give_consent(user=user, interface=ConsentInterface.API, notice_number=notice.number)

    with pytest.raises(IntegrityError), transaction.atomic():
        HealthDataConsent.objects.create(
            user=user, notice=notice, text_shown="x", given_at=notice.published_at, interface="api"
        )


@pytest.mark.postgres  # the SQL guard is a PostgreSQL trigger (privacy 0002); SQLite has the model's
def test_a_published_notice_never_changes_even_through_sql():
    notice = published_notice()
    draft = PrivacyNoticeRevision.objects.create(
        number=7, effective_on=notice.effective_on, body="Draft", consent_text="Draft wording"
    )
    draft.body = "Draft, edited"
    draft.save()  # a draft may change
    publish_notice(revision=draft)

    with pytest.raises(Exception, match="cannot change"):
        draft.body = "Changed after publishing"
        draft.save()
    with pytest.raises(Exception, match="cannot be changed|cannot change"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE privacy_privacynoticerevision SET consent_text = 'x' WHERE id = %s", [draft.pk])
    assert PrivacyNoticeRevision.objects.get(pk=draft.pk).consent_text == "Draft wording"


def test_the_notice_page_shows_the_revision_in_force_earlier_ones_and_the_retention_table(client):
    first = published_notice()
    second = published_notice(2)

    current = client.get(reverse("privacy:notice"))
    earlier = client.get(reverse("privacy:notice-revision", args=[first.number]))

    assert current.status_code == 200
    assert f"Revision {second.number}" in current.text and escape(second.consent_text) in current.text
    assert "Human Medicines Regulations 2012, regulation 253" in current.text
    assert escape(first.consent_text) in earlier.text and "no longer in force" in earlier.text
    assert client.get(reverse("privacy:notice-revision", args=[99])).status_code == 404


def test_the_account_page_gives_and_withdraws_consent_with_an_unticked_box(client, user):
    notice = published_notice()
    client.force_login(user)

    page = client.get(reverse("privacy:account"))
    assert 'type="checkbox" name="consent"' in page.text and "checked" not in page.text
    assert escape(notice.consent_text) in page.text and reverse("privacy:notice") in page.text

    unticked = client.post(reverse("privacy:consent-give"), {"notice_version": notice.number})
    assert unticked.status_code == 400 and "Tick the box" in unticked.text
    assert not has_current_consent(user=user)

    given = client.post(reverse("privacy:consent-give"), {"notice_version": notice.number, "consent": "on"})
    assert given.status_code == 302
    consent = HealthDataConsent.objects.get(user=user)
    assert (consent.interface, consent.notice_id) == ("storefront", notice.pk)
    assert "Withdraw my consent" in client.get(reverse("privacy:account")).text

    client.post(reverse("privacy:consent-withdraw"))
    assert not has_current_consent(user=user)


def test_the_api_reads_gives_and_withdraws_consent(shopper_client, user):
    notice = published_notice()

    before = shopper_client.get(CONSENT_URL)
    assert before.status_code == 200
    assert before.json()["consented"] is False and before.json()["consent"] is None
    assert before.json()["notice"]["version"] == notice.number
    assert before.json()["notice"]["consent_text"] == notice.consent_text

    not_ticked = shopper_client.post(CONSENT_URL, {"notice_version": notice.number, "consent": False}, format="json")
    assert not_ticked.status_code == 400 and not_ticked.json()["errors"][0]["field"] == "consent"
    outdated = shopper_client.post(CONSENT_URL, {"notice_version": notice.number + 1, "consent": True}, format="json")
    assert outdated.status_code == 409 and outdated.json()["code"] == "privacy_notice_outdated"

    given = shopper_client.post(CONSENT_URL, {"notice_version": notice.number, "consent": True}, format="json")
    assert given.status_code == 201
    assert given.json()["consented"] is True
    assert given.json()["consent"]["notice_version"] == notice.number
    assert given.json()["consent"]["interface"] == "api"

    withdrawn = shopper_client.delete(CONSENT_URL)
    assert withdrawn.status_code == 200 and withdrawn.json()["consented"] is False
    again = shopper_client.delete(CONSENT_URL)
    assert again.status_code == 409 and again.json()["code"] == "no_consent_to_withdraw"


def test_the_api_needs_a_signed_in_shopper(api_client):
    assert api_client.get(CONSENT_URL).status_code in (401, 403)
