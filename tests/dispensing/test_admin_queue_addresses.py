"""The staff queues are dispensing's in the admin; their old addresses under orders lead there."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("queue", ["orderawaitingreview", "orderawaitingdispatch", "ordercannotsupply"])
def test_an_old_queue_address_redirects_to_the_queue_in_dispensing(client, queue):
    response = client.get(f"/admin/orders/{queue}/?flagged=yes")

    assert response.status_code == 302
    assert response["Location"] == reverse(f"admin:dispensing_{queue}_changelist") + "?flagged=yes"
    assert response["Location"].startswith(f"/admin/dispensing/{queue}/")
