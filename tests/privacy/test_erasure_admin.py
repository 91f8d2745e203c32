"""The staff queue: a request received by post is entered with its one-month deadline, and the admin action
runs the same erasure as the shopper's link."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import DATA_OFFICERS_GROUP
from pharmacy.metrics import pharmacy_registry
from privacy.models import ErasureChannel, ErasureRequest, ErasureStatus
from privacy.services.erasure import receive_erasure_request
from tests.builders.erasure import shopper, shopper_history
from tests.factories import StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def data_officer(db):
    officer = StaffFactory(permissions=[])
    officer.groups.add(Group.objects.get(name=DATA_OFFICERS_GROUP))
    return officer


def test_a_request_by_post_is_queued_with_its_deadline_and_erased_by_the_action(
    client, data_officer, pom_pack, pharmacist
):
    user = shopper()
    shopper_history(user, pom_pack, pharmacist)
    client.force_login(data_officer)

    added = client.post(
        reverse("admin:privacy_erasurerequest_add"),
        {"user": user.pk, "channel": "post", "received_on": "2026-01-31"},
    )

    assert added.status_code == 302
    erasure = ErasureRequest.objects.get(user=user)
    assert (erasure.status, erasure.deadline) == (ErasureStatus.RECEIVED, datetime.date(2026, 2, 28))
    overdue = client.get(reverse("admin:privacy_erasurerequest_changelist"), {"deadline": "overdue"})
    assert reverse("admin:privacy_erasurerequest_change", args=[erasure.pk]) in overdue.content.decode()

    client.post(
        reverse("admin:privacy_erasurerequest_changelist"),
        {"action": "erase_now", "_selected_action": [erasure.pk]},
    )

    erasure.refresh_from_db()
    user.refresh_from_db()
    assert erasure.status == ErasureStatus.COMPLETED and erasure.completed_by == data_officer
    assert not user.is_active and erasure.report["kept"]


def test_a_staff_account_cannot_be_queued(client, data_officer):
    staff = StaffFactory()
    client.force_login(data_officer)

    response = client.post(
        reverse("admin:privacy_erasurerequest_add"),
        {"user": staff.pk, "channel": "email", "received_on": "2026-12-01"},
    )

    assert response.status_code == 200 and "staff account" in response.content.decode()
    assert not ErasureRequest.objects.exists()


def test_the_metrics_count_open_and_overdue_requests():
    receive_erasure_request(user=shopper(), channel=ErasureChannel.POST, received_on=datetime.date(2026, 1, 5))
    receive_erasure_request(
        user=UserFactory(), channel=ErasureChannel.EMAIL, received_on=timezone.localdate()
    )

    samples = {sample.name: sample.value for metric in pharmacy_registry.collect() for sample in metric.samples}

    assert (samples["pharmacy_erasure_requests_open"], samples["pharmacy_erasure_requests_overdue"]) == (2, 1)
