"""The pharmacist's review in the admin goes through the same services as every other interface."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services import place_order
from tests.factories import UserFactory

from .helpers import cart_with, details, image_bytes, uploaded_prescription

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_order(user, pom_pack):
    return place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                       prescription=uploaded_prescription(user))


def approve_post(pom_pack, **overrides):
    issued = timezone.localdate() - datetime.timedelta(days=2)
    data = {
        "_approve": "1",
        "record-prescriber_name": "Dr Grace Prescriber",
        "record-prescriber_registration": "7123456",
        "record-issued_on": issued.isoformat(),
        "record-valid_until": (issued + datetime.timedelta(days=150)).isoformat(),
        "record-note": "Checked with the surgery.",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "1000",
        "items-0-pack": str(pom_pack.pk), "items-0-quantity": "84", "items-0-directions": "One three times a day",
    }
    data.update(overrides)
    return data


def review_url(order):
    return reverse("admin:orders_order_review", args=[order.pk])


def test_review_queue_lists_awaiting_orders_oldest_first(client, pharmacist, user, pom_pack, gsl_pack):
    older = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="a",
                        prescription=uploaded_prescription(user))
    place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="b")  # approved
    newer = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="c",
                        prescription=uploaded_prescription(user))
    client.force_login(pharmacist)

    response = client.get(reverse("admin:orders_orderawaitingreview_changelist"))

    assert response.status_code == 200
    numbers = [order.number for order in response.context["cl"].result_list]
    assert numbers == [older.number, newer.number]


def test_pharmacist_approves_in_the_admin_with_a_dispensing_record(client, pharmacist, awaiting_order, pom_pack):
    client.force_login(pharmacist)
    page = client.get(review_url(awaiting_order))
    assert page.status_code == 200
    assert b"Approve order" in page.content
    assert reverse("admin:orders_prescription_file", args=[awaiting_order.prescription_id]).encode() in page.content

    response = client.post(review_url(awaiting_order), approve_post(pom_pack))

    assert response.status_code == 302
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.APPROVED
    assert awaiting_order.prescription_approved_by == pharmacist
    assert awaiting_order.events.last().reason == "Checked with the surgery."


def test_admin_approval_authorising_too_little_is_refused_with_the_reason(client, pharmacist, awaiting_order, pom_pack):
    client.force_login(pharmacist)
    response = client.post(review_url(awaiting_order), approve_post(pom_pack, **{"items-0-quantity": "10"}),
                           follow=True)
    assert "this order needs 84" in response.content.decode()
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_staff_who_are_not_pharmacists_cannot_approve_in_the_admin(client, awaiting_order, pom_pack, who):
    staff = UserFactory(is_staff=True, is_superuser=(who == "superuser"))
    if who == "staff":
        from django.contrib.auth.models import Permission

        staff.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(staff)

    page = client.get(review_url(awaiting_order))
    assert b"Only a pharmacist" in page.content and b"Approve order" not in page.content
    client.post(review_url(awaiting_order), approve_post(pom_pack))

    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_admin_dispatch_action_cannot_skip_review(client, awaiting_order):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:orders_order_changelist"),
        {"action": "dispatch_selected", "_selected_action": [awaiting_order.pk]}, follow=True,
    )
    assert "A pharmacist has not approved this order" in response.content.decode()
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW


def test_admin_order_status_is_not_editable(client, awaiting_order):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:orders_order_change", args=[awaiting_order.pk])
    client.post(url, {"status": "dispatched"})
    awaiting_order.refresh_from_db()
    assert awaiting_order.status == OrderStatus.AWAITING_REVIEW
    assert client.get(url).status_code == 200


def test_pharmacist_rejects_in_the_admin_and_stock_returns(client, pharmacist, awaiting_order, pom_pack):
    client.force_login(pharmacist)
    client.post(review_url(awaiting_order), {"_reject": "1", "reject-reason": "Not signed by the prescriber"})
    awaiting_order.refresh_from_db()
    pom_pack.refresh_from_db()
    assert awaiting_order.status == OrderStatus.REJECTED
    assert pom_pack.stock_quantity == 50


def test_prescription_file_is_shown_inline_to_pharmacists_only(client, pharmacist, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from orders.services import submit_prescription

    png = image_bytes("PNG")
    prescription = submit_prescription(owner=user, uploaded_file=SimpleUploadedFile("p.png", png, "image/png"))
    url = reverse("admin:orders_prescription_file", args=[prescription.pk])

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 404

    client.force_login(pharmacist)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png
    assert response["Content-Type"] == "image/png"
    assert "sandbox" in response["Content-Security-Policy"]


def test_order_admin_pages_load(client, awaiting_order):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for name, args in [
        ("admin:orders_order_changelist", []),
        ("admin:orders_order_change", [awaiting_order.pk]),
        ("admin:orders_prescription_changelist", []),
        ("admin:orders_prescription_change", [awaiting_order.prescription_id]),
        ("admin:orders_outboxmessage_changelist", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert Order.objects.count() == 1
