"""Staff see the payment panel on an order, and refund part of a payment with a reason only when they
hold payments.refund_payment."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from payments.models import MovementKind, PaymentStatus, TestGatewayIntent
from tests.builders.payments import checkout
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured(user, gsl_pack, payments_on, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order, payment = checkout(user, (gsl_pack, 2), payment_method="4242424242424242")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    return order, payment


def refunder():
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="refund_payment"))
    return staff


def test_the_order_page_shows_its_payment_panel(client, captured):
    order, payment = captured
    client.force_login(StaffFactory())

    page = client.get(reverse("admin:orders_order_change", args=[order.pk]))

    assert page.status_code == 200
    assert b"Payments (authorised, captured, refunded)" in page.content
    assert payment.reference.encode() in page.content


def test_staff_with_the_refund_permission_refund_part_with_a_reason(client, captured):
    order, payment = captured
    staff = refunder()
    client.force_login(staff)

    response = client.post(reverse("admin:payments_payment_refund", args=[payment.pk]),
                           {"amount": "2.00", "reason": "One box damaged in transit."})

    assert response.status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.amount_refunded) == (PaymentStatus.CAPTURED, Decimal("2.00"))
    movement = payment.movements.get(kind=MovementKind.REFUNDED)
    assert (movement.amount, movement.actor, movement.reason) == (Decimal("2.00"), staff,
                                                                  "One box damaged in transit.")
    assert TestGatewayIntent.objects.get(reference=payment.reference).amount_refunded == 200


def test_staff_without_the_permission_cannot_refund(client, captured):
    _, payment = captured
    client.force_login(StaffFactory())

    response = client.post(reverse("admin:payments_payment_refund", args=[payment.pk]),
                           {"amount": "2.00", "reason": "Because."})

    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0")


def test_a_refund_above_what_was_charged_is_refused(client, captured):
    _, payment = captured
    client.force_login(refunder())

    response = client.post(reverse("admin:payments_payment_refund", args=[payment.pk]),
                           {"amount": "7.00", "reason": "Too much."})

    assert response.status_code == 200
    assert b"Refund between 0.01 and 6.98 GBP" in response.content
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0")
