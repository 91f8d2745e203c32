"""The pharmacist's review in the admin goes through the same services as every other interface."""

import datetime

import pytest
from django.urls import reverse

from checkout.services import place_order
from dispensing.approval import approve_order, dispatch_order
from dispensing.originals import record_original_received
from notifications.models import OutboxMessage
from orders.exceptions import NotAllowed
from orders.models import Order, OrderStatus
from orders.services import cancel_order, mark_order_delivered
from tests.builders.dispensing import approve_post, review_url
from tests.builders.orders import (
    cart_with,
    details,
    dispensing_record,
    image_bytes,
    uploaded_prescription,
)
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_order(user, pom_pack):
    return place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="k",
                       prescription=uploaded_prescription(user))






def test_review_queue_lists_awaiting_orders_oldest_first(client, pharmacist, user, pom_pack, gsl_pack):
    older = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="a",
                        prescription=uploaded_prescription(user))
    place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="b")  # approved
    newer = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="c",
                        prescription=uploaded_prescription(user))
    client.force_login(pharmacist)

    response = client.get(reverse("admin:dispensing_orderawaitingreview_changelist"))

    assert response.status_code == 200
    numbers = [order.number for order in response.context["cl"].result_list]
    assert numbers == [older.number, newer.number]


def test_pharmacist_approves_in_the_admin_with_a_dispensing_record(client, pharmacist, awaiting_order, pom_pack):
    client.force_login(pharmacist)
    page = client.get(review_url(awaiting_order))
    assert page.status_code == 200
    assert b"Approve order" in page.content
    file_url = reverse("admin:prescriptions_prescription_file", args=[awaiting_order.prescription_id])
    assert file_url.encode() in page.content

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
    client.post(review_url(awaiting_order), {"_reject": "1", "reject-reason": "prescription_not_valid",
                                             "reject-note": "Not signed by the prescriber"})
    awaiting_order.refresh_from_db()
    pom_pack.refresh_from_db()
    assert awaiting_order.status == OrderStatus.REJECTED
    assert pom_pack.stock_quantity == 50


def test_prescription_file_is_shown_inline_to_pharmacists_only(client, pharmacist, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from prescriptions.services import submit_prescription

    png = image_bytes("PNG")
    prescription = submit_prescription(owner=user, uploaded_file=SimpleUploadedFile("p.png", png, "image/png"))
    url = reverse("admin:prescriptions_prescription_file", args=[prescription.pk])

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
        ("admin:prescriptions_prescription_changelist", []),
        ("admin:prescriptions_prescription_change", [awaiting_order.prescription_id]),
        ("admin:notifications_outboxmessage_changelist", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert Order.objects.count() == 1


# --- Permissions: the change permission, not is_staff, lets staff act on orders ----------------------

@pytest.fixture
def approved_order(awaiting_order, pharmacist, pom_pack):
    return approve_order(order=awaiting_order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))


def run_action(client, action: str, order, model: str = "order", app: str = "orders"):
    return client.post(
        reverse(f"admin:{app}_{model}_changelist"), {"action": action, "_selected_action": [order.pk]}, follow=True
    )


@pytest.mark.parametrize("action", ["dispatch_selected", "mark_delivered_selected", "cancel_selected"])
def test_a_view_only_staff_user_cannot_run_the_order_actions(client, approved_order, action):
    client.force_login(StaffFactory(permissions=["view_order"]))

    changelist = client.get(reverse("admin:orders_order_changelist"))
    response = run_action(client, action, approved_order)

    assert changelist.status_code == 200
    assert action not in changelist.content.decode()  # not offered
    assert response.status_code == 200  # and ignored when posted anyway
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED


def test_staff_with_the_change_permission_dispatch_from_the_admin(client, approved_order, pharmacist):
    record_original_received(prescription=approved_order.prescription, pharmacist=pharmacist, matches=True)
    client.force_login(StaffFactory())

    run_action(client, "dispatch_selected", approved_order)

    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.DISPATCHED


@pytest.mark.parametrize(
    "service", [dispatch_order, mark_order_delivered, cancel_order], ids=["dispatch", "deliver", "cancel"]
)
def test_the_services_refuse_a_view_only_staff_user(approved_order, service):
    viewer = StaffFactory(permissions=["view_order"])

    with pytest.raises(NotAllowed, match="permission to change orders"):
        service(order=approved_order, actor=viewer)

    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED
    assert approved_order.events.count() == 2  # placed, approved: nothing recorded


def test_a_view_only_staff_user_cannot_dispatch(approved_order):
    with pytest.raises(NotAllowed):
        dispatch_order(order=approved_order, actor=StaffFactory(permissions=["view_order"]))
    approved_order.refresh_from_db()
    assert approved_order.status == OrderStatus.APPROVED


def test_the_change_permission_without_staff_status_is_not_enough(approved_order):
    not_staff = StaffFactory(is_staff=False)

    with pytest.raises(NotAllowed):
        dispatch_order(order=approved_order, actor=not_staff)


def test_the_order_page_is_read_only_even_for_a_superuser(client, awaiting_order):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:orders_order_change", args=[awaiting_order.pk])
    before = Order.objects.values().get(pk=awaiting_order.pk)

    page = client.get(url).content.decode()
    response = client.post(url, {"email": "changed@example.org", "full_name": "Changed"})

    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert response.status_code == 403
    assert Order.objects.values().get(pk=awaiting_order.pk) == before  # no write of the whole row


def test_the_outbox_message_page_is_read_only(client, awaiting_order):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    message = OutboxMessage.objects.get(order=awaiting_order)
    url = reverse("admin:notifications_outboxmessage_change", args=[message.pk])
    before = OutboxMessage.objects.values().get(pk=message.pk)

    page = client.get(url).content.decode()
    response = client.post(url, {"recipient": "attacker@example.org", "status": "pending"})

    assert 'name="_save"' not in page
    assert response.status_code == 403
    assert OutboxMessage.objects.values().get(pk=message.pk) == before


def test_send_again_needs_the_change_permission_on_outbox_messages(client, awaiting_order, monkeypatch):
    handed = []
    monkeypatch.setattr("notifications.services.dispatch_message",
                        lambda *, message_id: handed.append(message_id) or True)
    message = OutboxMessage.objects.get(order=awaiting_order)
    client.force_login(StaffFactory(permissions=["view_order", "notifications.view_outboxmessage"]))

    refused = run_action(client, "send_again", message, model="outboxmessage", app="notifications")

    assert "handed to the workers" not in refused.content.decode()
    assert handed == []
    client.force_login(
        StaffFactory(permissions=["notifications.view_outboxmessage", "notifications.change_outboxmessage"])
    )
    accepted = run_action(client, "send_again", message, model="outboxmessage", app="notifications")
    assert "1 message(s) handed to the workers." in accepted.content.decode()
    assert handed == [message.pk]


def test_send_messages_again_refuses_staff_without_the_change_permission(awaiting_order):
    from notifications.exceptions import NotAllowed as OutboxNotAllowed
    from notifications.services import send_messages_again

    message = OutboxMessage.objects.get(order=awaiting_order)

    viewer = StaffFactory(permissions=["notifications.view_outboxmessage"])
    with pytest.raises(OutboxNotAllowed, match="permission to change outbox messages"):
        send_messages_again(actor=viewer, message_ids=[message.pk])


def test_valid_until_left_empty_in_the_admin_is_six_months_from_the_date_of_issue(
        client, pharmacist, awaiting_order, pom_pack, settings):
    client.force_login(pharmacist)
    page = client.get(review_url(awaiting_order)).content.decode()
    assert "Leave empty for six months from the date of issue" in page

    response = client.post(review_url(awaiting_order), approve_post(pom_pack, **{"record-valid_until": ""}))

    assert response.status_code == 302
    prescription = awaiting_order.prescription
    prescription.refresh_from_db()
    assert prescription.valid_until == prescription.issued_on + datetime.timedelta(days=183)
    assert settings.PRESCRIPTION_VALIDITY_DAYS == 183
