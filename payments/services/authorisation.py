"""Authorise the order's total on the shopper's card at checkout, and record the gateway's answer (from the
call, a 3-D Secure return, a webhook or reconciliation). Once the card is authorised, the order is confirmed
(orders' confirm_placement) and the cart the shopper kept while paying is emptied."""

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cart.services import empty_user_cart
from orders.locks import order_for_update
from orders.models import Order, OrderStatus
from orders.services.confirmation import confirm_first_payment, confirm_placement
from pharmacy.compiled_insert import CompiledInsert
from pharmacy.compiled_query import CompiledUpdate
from pharmacy.money import Money
from safeguards.services import record_card_fingerprint

from ..amounts import authorisation_amount, from_minor
from ..exceptions import InvalidPaymentMethod, PaymentNotPossible
from ..gateway_changes import record_ended_authorisation, record_gateway_refunds
from ..gateways import get_gateway
from ..gateways.base import GatewayError, GatewayIntent, IntentStatus
from ..locks import payment_for_update_knowing_paid_before
from ..models import LIVE_STATUSES, MovementKind, Payment, PaymentStatus
from ..movements import record_movement as _movement
from .disputes import flag_dispute
from .gateway_keys import check_intent_currency, gateway_idempotency_key
from .settlement import _record_capture, settle_order_payment, void_payment

logger = logging.getLogger(__name__)

_CHECKOUT_ATTEMPT = CompiledInsert(Payment)  # every paid checkout writes one: compiled once per process


def authorise_order(
    *, order: Order, payment_method: str, attempt_key: str, actor=None, return_url: str = ""
) -> Payment:
    """Authorise the order's total on the shopper's card.

    Idempotent per `attempt_key` (the checkout's idempotency key, or a retry's own): the Payment row is
    committed before the gateway is called, under the order's row lock, so concurrent replays find it
    and return it instead of authorising again. A declined card leaves the order awaiting payment; a
    new attempt (another key) may follow. A card needing confirmation returns `client_action`.
    """
    payment_method = (payment_method or "").strip()
    if not payment_method:
        raise InvalidPaymentMethod("Enter a card number or choose a card.", field="payment_method")
    payment_method = get_gateway().prepare_payment_method(payment_method)  # never a full card number
    payment, created, abandoned = _begin_attempt(order_id=order.pk, attempt_key=attempt_key,
                                                 payment_method=payment_method)
    if abandoned:
        # Replaced outside the order's lock (the gateway is called), then the attempt begins again; one
        # that could not be voided stays live, and the checkout answers with it as before.
        _replace_abandoned_confirmations(abandoned=abandoned, actor=actor)
        payment, created, _ = _begin_attempt(order_id=order.pk, attempt_key=attempt_key,
                                             payment_method=payment_method, replacing=False)
    if not created:
        return payment
    return _call_authorise(payment=payment, actor=actor, return_url=return_url)


def begin_checkout_attempt(*, order: Order, payment_method: str, attempt_key: str) -> Payment | None:
    """Inside checkout's transaction, for the order it has just placed awaiting payment: the attempt's row,
    written with the order, so that it commits with it. It takes no lock and reads nothing: no other
    request can see the order yet. None for a payment method the gateway refuses; authorise_at_checkout
    then refuses it once the order has committed, as before."""
    try:
        payment_method = get_gateway().prepare_payment_method((payment_method or "").strip())
    except InvalidPaymentMethod:
        return None
    if not payment_method or order.status != OrderStatus.AWAITING_PAYMENT:
        return None
    amount = authorisation_amount(order)
    return _CHECKOUT_ATTEMPT.create(order=order, attempt_key=attempt_key, gateway=get_gateway().name,
                                    currency=amount.currency, amount_authorised=amount.amount,
                                    payment_method=payment_method[:100])


def authorise_begun_attempt(*, payment: Payment, actor=None) -> Payment:
    """Authorise the attempt begin_checkout_attempt wrote, once checkout's transaction has committed. An
    authorisation is recorded by record_first_authorisation, which knows the order and the payment as
    checkout left them; any other answer, or one that finds either moved on, by record_authorisation."""
    return _call_authorise(payment=payment, actor=actor, return_url="", just_placed=True)


def authorise_at_checkout(*, order: Order, payment_method: str, attempt_key: str, actor=None) -> Payment | None:
    """Checkout's payment step (API): authorise when the order awaits payment and a card was given; a
    replayed checkout returns the first attempt."""
    if not payment_method or (order.status != OrderStatus.AWAITING_PAYMENT and not order.payments.exists()):
        return None
    return authorise_order(order=order, payment_method=payment_method, attempt_key=attempt_key, actor=actor)


def _replace_abandoned_confirmations(*, abandoned: list[Payment], actor) -> None:
    """A new card replaces an attempt still waiting for the shopper's bank (3-D Secure): that attempt is
    voided first, so it neither blocks the new card nor could be confirmed later beside it."""
    for payment in abandoned:
        try:
            payment = refresh_payment(payment=payment, actor=actor)  # confirmed meanwhile: it stays
            if payment.status == PaymentStatus.REQUIRES_ACTION:
                void_payment(payment=payment, actor=actor, reason="Replaced by another card.")
        except GatewayError as error:  # it stays live, and the checkout answers with it as before
            logger.warning("Replacing payment %s: %s", payment.pk, error)


@transaction.atomic
def _begin_attempt(*, order_id: int, attempt_key: str, payment_method: str,
                   replacing: bool = True) -> tuple[Payment | None, bool, list[Payment]]:
    """(payment, created, abandoned). `abandoned`, when `replacing`: the attempts still waiting for the
    shopper's bank that a new card replaces; nothing is written then, and the caller begins again once
    they are voided. A replay of an attempt replaces nothing."""
    order = order_for_update(order_id=order_id)
    # One read for the replay, the refusals and the attempts to replace: an order has a handful of payments.
    earlier = list(order.payments.filter(Q(attempt_key=attempt_key) | Q(status__in=LIVE_STATUSES)).order_by("-pk"))
    existing = next((payment for payment in earlier if payment.attempt_key == attempt_key), None)
    if existing is not None:
        return existing, False, []  # a replay: the first request's payment, whatever became of it
    abandoned = [payment for payment in earlier
                 if payment.status == PaymentStatus.REQUIRES_ACTION and payment.reference]
    if replacing and abandoned:
        return None, False, abandoned
    if earlier:
        return earlier[0], False, []  # the newest live one: never two authorisations for one order
    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise PaymentNotPossible(
            f"Order {order.number} is {order.get_status_display().lower()}: it does not wait for a payment.",
            field="payment_method",
        )
    amount = authorisation_amount(order)
    payment = Payment.objects.create(
        order=order,
        attempt_key=attempt_key,
        gateway=get_gateway().name,
        currency=amount.currency,
        amount_authorised=amount.amount,
        payment_method=payment_method[:100],
    )
    return payment, True, []


def _call_authorise(*, payment: Payment, actor, return_url: str, just_placed: bool = False) -> Payment:
    gateway = get_gateway(payment.gateway)
    try:
        intent = gateway.authorise(
            amount=Money(payment.amount_authorised, payment.currency),
            payment_method=payment.payment_method,
            idempotency_key=gateway_idempotency_key(payment, "authorise"),
            return_url=return_url,
            metadata={"order": payment.order.number, "payment": payment.pk},
        )
    except GatewayError as error:
        # We cannot know whether the card was authorised: the row stays pending and reconciliation
        # repeats the call with the same idempotency key (the gateway answers it once).
        logger.warning("Authorising payment %s failed: %s", payment.pk, error)
        return Payment.objects.get(pk=payment.pk)
    if just_placed and record_first_authorisation(payment=payment, intent=intent, actor=actor):
        return payment
    return record_authorisation(payment_id=payment.pk, intent=intent, actor=actor, order_id=payment.order_id)


class _MovedOn(Exception):
    """The order or the payment is no longer as checkout left it: roll back, and record the answer under
    their locks instead."""


def record_first_authorisation(*, payment: Payment, intent: GatewayIntent, actor=None) -> bool:
    """Record the authorisation of the attempt checkout wrote with its order (begin_checkout_attempt),
    knowing both rows as checkout left them, so neither is read or locked again: the order moves on by a
    conditional UPDATE (orders' confirm_first_payment; the order's row lock first, as orders.locks asks),
    then the payment by another, from pending only. No earlier payment of the order was authorised: its
    first attempt is this one, and the order's other attempts wait while it is pending (_begin_attempt).
    False, with nothing written, for any other answer than an authorisation of the amount asked, or when
    either row moved on meanwhile (a webhook recorded it, the order expired): record_authorisation then
    records the answer as it always does."""
    if (intent.status not in (IntentStatus.AUTHORISED, IntentStatus.CAPTURED)
            or payment.status != PaymentStatus.PENDING
            or from_minor(intent.amount_authorised) != payment.amount_authorised):
        return False
    check_intent_currency(payment=payment, intent=intent)
    order = payment.order
    as_placed = {name: getattr(order, name) for name in ("status", "review_deadline", "updated_at")}
    try:
        with transaction.atomic():
            _record_first_authorisation(payment=payment, order=order, intent=intent, actor=actor)
    except _MovedOn:
        for name, value in as_placed.items():  # rolled back: the caller's copy says what the row says
            setattr(order, name, value)
        return False
    return True


# What every first authorisation writes besides the gateway's answer.
_AUTHORISED_CONSTANTS = {"status": PaymentStatus.AUTHORISED, "client_action": {}, "failure_message": ""}
# The payment moves from pending only: compiled once per process (pharmacy.compiled_query).
_AUTHORISE_PENDING_PAYMENT = CompiledUpdate(
    Payment, lambda *, payment_id, **answer: (Payment.objects.filter(pk=payment_id, status=PaymentStatus.PENDING),
                                              {**answer, **_AUTHORISED_CONSTANTS}),
    payment_id=-4_242_482, reference="\x1fcompiled reference\x1f", card_fingerprint="\x1fcompiled card\x1f",
    card_last4="\x1fcompiled last4\x1f", capture_before=datetime(1901, 7, 8, 9, 10, 11, 15, tzinfo=UTC),
    updated_at=datetime(1901, 7, 8, 9, 10, 11, 16, tzinfo=UTC),
)


def _record_first_authorisation(*, payment: Payment, order: Order, intent: GatewayIntent, actor) -> None:
    review_deadline = authorisation_deadline(
        review_deadline=timezone.now() + timedelta(days=settings.ORDER_REVIEW_DEADLINE_DAYS),
        capture_before=intent.capture_before,
    )
    if not confirm_first_payment(order=order, actor=actor, because="Card authorised", review_deadline=review_deadline):
        raise _MovedOn
    answer = {
        "reference": intent.reference or payment.reference,
        "card_fingerprint": intent.card_fingerprint or payment.card_fingerprint,
        "card_last4": intent.card_last4 or payment.card_last4, "capture_before": intent.capture_before,
        "updated_at": timezone.now(),
    }
    if not _AUTHORISE_PENDING_PAYMENT.run(payment_id=payment.pk, **answer):
        raise _MovedOn
    answer.update(_AUTHORISED_CONSTANTS)
    for name, value in answer.items():
        setattr(payment, name, value)
    _movement(payment, MovementKind.AUTHORISED, payment.amount_authorised, actor=actor)
    record_card_fingerprint(order=order, fingerprint=payment.card_fingerprint)
    empty_user_cart(user_id=order.user_id)  # kept until now, so that a declined card left it as it was


@transaction.atomic
def record_authorisation(*, payment_id: int, intent: GatewayIntent, actor=None,
                         order_id: int | None = None) -> Payment:
    """Record the gateway's answer to an authorisation (from the call, a 3-D Secure return, a webhook or
    reconciliation). Moves the order on when the card is authorised; safe to run twice. `order_id` is the
    payment's order, when the caller knows it."""
    if order_id is None:
        # Only the order's id: the order is read under its lock next (it is locked before the payment).
        order_id = Payment.objects.filter(pk=payment_id).values_list("order_id", flat=True).get()
    order = order_for_update(order_id=order_id)
    payment = payment_for_update_knowing_paid_before(payment_id=payment_id, order=order)
    if payment.status not in (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION):
        return payment  # already recorded
    check_intent_currency(payment=payment, intent=intent)
    payment.reference = intent.reference or payment.reference
    payment.card_fingerprint = intent.card_fingerprint or payment.card_fingerprint
    payment.card_last4 = intent.card_last4 or payment.card_last4
    if intent.status == IntentStatus.FAILED:
        payment.status = PaymentStatus.FAILED
        payment.failure_message = (intent.failure_message or "Your card was declined.")[:300]
        payment.client_action = {}
        payment.save()
        _movement(payment, MovementKind.FAILED, payment.amount_authorised, actor=actor, reason=payment.failure_message)
        return payment
    if intent.status == IntentStatus.REQUIRES_ACTION:
        payment.status = PaymentStatus.REQUIRES_ACTION
        payment.client_action = intent.client_action
        payment.save()
        return payment
    if intent.status not in (IntentStatus.AUTHORISED, IntentStatus.CAPTURED):
        payment.save()  # processing: reconciliation asks again
        return payment
    if from_minor(intent.amount_authorised) != payment.amount_authorised:
        raise GatewayError(
            f"Payment {payment.pk}: the gateway authorised {intent.amount_authorised}, not {payment.amount_authorised}."
        )
    payment.status = PaymentStatus.AUTHORISED
    payment.client_action = {}
    payment.failure_message = ""
    payment.capture_before = intent.capture_before
    payment.save()
    _movement(payment, MovementKind.AUTHORISED, payment.amount_authorised, actor=actor)
    # The card counts among the order's warning signs: flagged when other accounts paid with it lately.
    record_card_fingerprint(order=order, fingerprint=payment.card_fingerprint)
    if order.status == OrderStatus.AWAITING_PAYMENT:
        _order_paid(order=order, payment=payment, actor=actor)
    else:
        # The order was cancelled (it expired unpaid) while the card was being authorised: let it go.
        transaction.on_commit(lambda: settle_order_payment(order_id=order.pk))
    return payment


def _order_paid(*, order: Order, payment: Payment, actor) -> None:
    review_deadline = authorisation_deadline(
        review_deadline=timezone.now() + timedelta(days=settings.ORDER_REVIEW_DEADLINE_DAYS),
        capture_before=payment.capture_before,
    )
    # Paid again after an earlier authorisation ended uncaptured (payments.gateway_changes): the order
    # was confirmed and the cart emptied the first time, and a pharmacist's release still stands.
    confirm_placement(order=order, actor=actor, because="Card authorised", review_deadline=review_deadline,
                      first=not payment.paid_before)
    if not payment.paid_before:
        empty_user_cart(user_id=order.user_id)  # kept until now, so that a declined card left it as it was


def authorisation_deadline(*, review_deadline: datetime | None, capture_before: datetime | None) -> datetime | None:
    """The earlier of the review deadline and the authorisation's expiry less a margin: an order never
    waits past the moment its money could no longer be captured."""
    if capture_before is None:
        return review_deadline
    lapse = capture_before - timedelta(hours=settings.PAYMENT_AUTHORISATION_EXPIRY_MARGIN_HOURS)
    return min(review_deadline, lapse) if review_deadline else lapse


def refresh_payment(*, payment: Payment, actor=None) -> Payment:
    """Re-read a payment's intent from the gateway and record it (after 3-D Secure, from a webhook,
    or from reconciliation)."""
    if not payment.reference:
        return payment
    intent = get_gateway(payment.gateway).retrieve(reference=payment.reference)
    return apply_gateway_intent(payment=payment, intent=intent, actor=actor)


def apply_gateway_intent(*, payment: Payment, intent: GatewayIntent, actor=None) -> Payment:
    """Bring our record up to what the gateway says happened (it may have happened without us: a crash
    between its answer and our commit, or an action in the gateway's dashboard)."""
    if payment.status in (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION):
        return record_authorisation(payment_id=payment.pk, intent=intent, actor=actor)
    if payment.status == PaymentStatus.AUTHORISED and intent.status == IntentStatus.CANCELED:
        # The order asks the shopper to pay again, or is cancelled, when no other payment holds money.
        return record_ended_authorisation(payment_id=payment.pk, intent=intent, reason="Voided at the gateway.")
    if payment.status == PaymentStatus.AUTHORISED and intent.status == IntentStatus.CAPTURED:
        payment = _record_capture(
            payment_id=payment.pk, intent=intent, amount=from_minor(intent.amount_captured), actor=actor
        )
    if payment.status in (PaymentStatus.CAPTURED, PaymentStatus.REFUNDED) and intent.status == IntentStatus.CAPTURED:
        # Refunds made at the gateway (its dashboard) are recorded once each, apart from what was captured.
        payment = record_gateway_refunds(payment_id=payment.pk, intent=intent)
        if intent.disputed:
            payment = flag_dispute(payment=payment)
        return payment
    return Payment.objects.get(pk=payment.pk)
