"""One export at a time per person, against a real PostgreSQL: concurrent requests start exactly one, and
the database itself refuses a second running export."""

from unittest import mock

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from privacy.models import ConsentInterface, DataExport
from privacy.services import request_export
from privacy.tasks import build_data_export_task
from tests.builders.concurrency import race
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_concurrent_requests_start_one_export_and_all_get_it():
    assert connection.vendor == "postgresql"
    user, neighbour = UserFactory(), UserFactory()

    # The broker is the outside world here: the builds are counted, not run, so every request meets the
    # running export.
    with mock.patch.object(build_data_export_task, "delay") as queued:
        results = race([lambda: request_export(user=user, interface=ConsentInterface.API)] * 8
                       + [lambda: request_export(user=neighbour, interface=ConsentInterface.API)])

    assert not [result for result in results if isinstance(result, Exception)], results
    mine = results[:8]
    assert sorted(created for _export, created in mine) == [False] * 7 + [True]
    assert {export.pk for export, _created in mine} == {DataExport.objects.get(user=user).pk}
    assert results[8][1] is True and DataExport.objects.filter(user=neighbour).count() == 1
    assert sorted(call.args for call in queued.call_args_list) == sorted(
        (export.pk,) for export in DataExport.objects.all())


def test_the_database_refuses_a_second_running_export_for_one_person():
    user = UserFactory()
    DataExport.objects.create(user=user, interface=ConsentInterface.API, requested_at=timezone.now())

    with pytest.raises(IntegrityError), transaction.atomic():
        DataExport.objects.create(user=user, interface=ConsentInterface.API, requested_at=timezone.now(),
                                  status="building")

    assert DataExport.objects.filter(user=user).count() == 1
