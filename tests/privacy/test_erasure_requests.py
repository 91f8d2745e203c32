"""The shopper's erasure, end to end on the storefront: asked from the account page, confirmed through the
e-mailed link (a GET changes nothing), the report shown on the page and e-mailed to the old address, whose
outbox row then forgets it."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import OutboxMessage
from privacy.models import ErasureChannel, ErasureRequest, ErasureStatus
from privacy.services.erasure import receive_erasure_request
from tests.builders.erasure import EMAIL, shopper, shopper_history

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def confirmation_link(email) -> str:
    return re.search(r"https?://\S+(/account/privacy/erasure/confirm/\S+/)", email.body).group(1)


def test_the_shopper_asks_confirms_by_the_emailed_link_and_reads_the_report(
    client, pom_pack, pharmacist, django_capture_on_commit_callbacks
):
    user = shopper()
    shopper_history(user, pom_pack, pharmacist)
    client.force_login(user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("privacy:erasure-request"), follow=True)

    assert "We have sent a link" in asked.content.decode()
    [email] = mail.outbox
    assert email.to == [EMAIL] and "erasure" in email.subject
    link = confirmation_link(email)
    shown = client.get(link)
    assert shown.status_code == 200 and "Erase my account" in shown.content.decode()
    user.refresh_from_db()
    assert user.is_active  # opening the link changes nothing

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(link)

    page = confirmed.content.decode()
    assert confirmed.status_code == 200 and "Your erasure report" in page
    assert "Human Medicines Regulations 2012" in page and "HMRC" in page
    user.refresh_from_db()
    assert not user.is_active
    assert client.get(reverse("privacy:account")).status_code == 302  # signed out
    [report] = mail.outbox
    assert report.to == [EMAIL] and "What the law asks us to keep" in report.body
    assert not OutboxMessage.objects.filter(recipient=EMAIL).exists()  # the sent report forgot the address
    erasure = ErasureRequest.objects.get(user=user)
    assert erasure.status == ErasureStatus.COMPLETED and erasure.report["kept"]
    # The link shows the report again, and confirming twice erases once.
    assert "Your erasure report" in client.post(link).content.decode()
    assert len(mail.outbox) == 1


def test_a_forged_link_is_refused_and_erases_nothing(client):
    user = shopper()

    response = client.post(reverse("privacy:erasure-confirm", kwargs={"token": "forged"}))

    assert response.status_code == 404 and "expired" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active


def test_asking_twice_keeps_one_open_request(client):
    user = shopper()
    client.force_login(user)

    client.post(reverse("privacy:erasure-request"))
    client.post(reverse("privacy:erasure-request"))

    assert ErasureRequest.objects.filter(user=user, status=ErasureStatus.AWAITING_CONFIRMATION).count() == 1


def test_a_shopper_whose_letter_is_queued_can_still_confirm_by_the_link(client, django_capture_on_commit_callbacks):
    user = shopper()
    queued = receive_erasure_request(user=user, channel=ErasureChannel.POST, received_on=datetime.date(2026, 12, 1))
    client.force_login(user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:erasure-request"))
    [email] = mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_link(email))

    queued.refresh_from_db()
    assert queued.status == ErasureStatus.COMPLETED and queued.channel == ErasureChannel.POST
    assert ErasureRequest.objects.filter(user=user).count() == 1
