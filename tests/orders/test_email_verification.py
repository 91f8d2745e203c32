"""A new account confirms its e-mail address (a link sent by the outbox) before its first order; the
outbox holds account messages (user, no order) beside order messages (one per order and kind)."""

import re
import uuid

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.exceptions import EmailNotVerified, InvalidLink
from accounts.models import AccountMessageKind
from accounts.services import register_user, send_email_verification, verify_email
from accounts.tokens import email_verification_tokens, encode_uid
from cart.models import CartLine
from catalog.models import Pack
from checkout.services import place_order
from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import record_message
from orders.models import MessageKind, Order
from tests.builders.api import assert_problem, checkout
from tests.builders.orders import cart_with, details
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_shopper(db):
    return UserFactory(email_verified_at=None)


def test_place_order_refuses_an_unverified_account_naming_the_fix_and_changes_nothing(new_shopper, gsl_pack):
    cart = cart_with(new_shopper, (gsl_pack, 2))

    with pytest.raises(EmailNotVerified) as refusal:
        place_order(user=new_shopper, cart=cart, details=details(), idempotency_key="k1")

    assert refusal.value.code == "email_not_verified"
    assert "/accounts/verify-email/" in refusal.value.message
    assert not Order.objects.exists()
    assert list(CartLine.objects.filter(cart=cart).values_list("pack_id", "quantity")) == [(gsl_pack.pk, 2)]
    assert Pack.objects.get(pk=gsl_pack.pk).stock_quantity == gsl_pack.stock_quantity


def test_once_the_link_is_opened_the_first_order_goes_through(
    gsl_pack, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register_user(email="nia@example.org", password="plum-orchard-lantern-42", full_name="Nia")
    [email] = mail.outbox
    uid, token = re.search(r"/accounts/verify-email/([^/]+)/([^/]+)/", email.body).groups()
    user = verify_email(uidb64=uid, token=token)

    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")

    assert order.user == user


def test_staff_accounts_count_as_verified(gsl_pack):
    staff = UserFactory(email_verified_at=None, is_staff=True)

    order = place_order(user=staff, cart=cart_with(staff, (gsl_pack, 1)), details=details(), idempotency_key="k")

    assert order.pk


def test_api_checkout_of_an_unverified_account_is_a_422_email_not_verified(api_client, new_shopper, gsl_pack):
    api_client.force_authenticate(new_shopper)
    cart_with(new_shopper, (gsl_pack, 1))

    body = assert_problem(checkout(api_client, key="k"), 422, code="email_not_verified")

    assert "confirm your e-mail address" in body["detail"].lower()
    assert not Order.objects.exists()


def test_storefront_checkout_of_an_unverified_account_says_how_to_confirm(client, new_shopper, gsl_pack):
    client.force_login(new_shopper)
    cart_with(new_shopper, (gsl_pack, 1))

    response = client.post(reverse("checkout:checkout"), {
        "idempotency_key": str(uuid.uuid4()), "full_name": "Nia Shopper", "email": new_shopper.email,
        "phone": "07700 900123", "address_line1": "1 High Street", "address_line2": "", "city": "Leeds",
        "postcode": "LS1 1AA",
    })

    assert response.status_code == 200
    assert "Confirm your e-mail address before your first order" in response.content.decode()
    assert not Order.objects.exists()


def test_a_verification_link_is_refused_when_altered_and_once_used(new_shopper):
    with pytest.raises(InvalidLink):
        verify_email(uidb64=encode_uid(new_shopper), token="not-a-token")
    token = email_verification_tokens.make_token(new_shopper)

    assert verify_email(uidb64=encode_uid(new_shopper), token=token).email_verified_at is not None
    with pytest.raises(InvalidLink):
        verify_email(uidb64=encode_uid(new_shopper), token=token)


def test_account_messages_hold_only_user_and_kind_and_may_repeat(new_shopper, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_email_verification(user=new_shopper) is True
        assert send_email_verification(user=new_shopper) is True

    messages = OutboxMessage.objects.filter(user=new_shopper)
    assert list(messages.values_list("order", "kind", "status")) == [
        (None, AccountMessageKind.EMAIL_VERIFICATION, OutboxStatus.SENT)
    ] * 2
    # The two links differ only if the token does; each is computed when its e-mail is built.
    assert len(mail.outbox) == 2
    assert all(email.to == [new_shopper.email] for email in mail.outbox)


def test_a_verified_account_is_not_sent_another_link(user):
    assert send_email_verification(user=user) is False
    assert not OutboxMessage.objects.exists()


def test_order_messages_stay_one_per_order_and_kind(user, gsl_pack):
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="k")
    first = OutboxMessage.objects.get(order=order, kind=MessageKind.ORDER_PLACED)

    assert record_message(order=order, kind=MessageKind.ORDER_PLACED) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(order=order, kind=MessageKind.ORDER_PLACED, recipient=order.email)


def test_a_message_needs_an_order_or_a_user():
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(kind=AccountMessageKind.PASSWORD_RESET, recipient="x@example.org")
