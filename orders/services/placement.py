"""Checkout: one entry point, one transaction. It creates the order, its lines and the stock
movements, or changes nothing."""

import hashlib
import json
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction

from accounts.exceptions import EmailNotVerified
from cart.locks import cart_for_update
from cart.models import Cart
from cart.selectors import list_cart_lines
from cart.services import empty_cart
from catalog.exceptions import LeafletMissing
from catalog.selectors import current_leaflet_revision_ids
from catalog.services import check_pack_purchasable, reserve_stock
from pharmacy.money import Money

from ..exceptions import (
    CartEmpty,
    IdempotencyKeyReused,
    InvalidCheckoutDetails,
    PrescriptionNotUsable,
    PrescriptionRequired,
)
from ..locks import prescription_for_update
from ..models import MessageKind, Order, OrderEvent, OrderLine, OrderStatus, Prescription, PrescriptionStatus
from .coverage import check_not_expired, check_prescription_covers
from .notifications import record_message

MAX_IDEMPOTENCY_KEY_LENGTH = 100


@dataclass(frozen=True)
class CheckoutDetails:
    full_name: str
    email: str
    phone: str
    address_line1: str
    city: str
    postcode: str
    address_line2: str = ""
    country: str = "GB"

    def cleaned(self) -> "CheckoutDetails":
        values = {name: " ".join(str(value).split()) for name, value in asdict(self).items()}
        values["postcode"] = values["postcode"].upper()
        values["country"] = values["country"].upper()
        values["email"] = values["email"].lower()
        return CheckoutDetails(**values)


REQUIRED_DETAILS = {
    "full_name": "Enter the name to deliver to.",
    "email": "Enter an e-mail address for the order confirmation.",
    "phone": "Enter a phone number so our pharmacist can reach you.",
    "address_line1": "Enter the first line of the delivery address.",
    "city": "Enter the town or city.",
    "postcode": "Enter the postcode.",
}


def _check_details(details: CheckoutDetails) -> None:
    for name, message in REQUIRED_DETAILS.items():
        if not getattr(details, name):
            raise InvalidCheckoutDetails(message, field=name)
    if len(details.country) != 2 or not details.country.isalpha():
        raise InvalidCheckoutDetails("Use a two-letter country code such as GB.", field="country")


def _fingerprint(details: CheckoutDetails, prescription: Prescription | None) -> str:
    payload = {**asdict(details), "prescription": prescription.pk if prescription else None}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


IDEMPOTENCY_CONSTRAINT = "order_idempotency_key_unique"


def place_order(
    *, user, cart: Cart, details: CheckoutDetails, idempotency_key: str, prescription: Prescription | None = None
) -> Order:
    """Turn the shopper's cart into an order.

    Idempotent: the same key with the same details returns the order it first created (even when
    ten requests race: they queue on the cart's row lock); the same key with other details is refused.
    A concurrent request therefore never sees "in progress": it waits, then gets the replay. Should the
    database's unique constraint on (user, key) still fire, the whole attempt is rolled back and the
    answer is the replay's.
    """
    try:
        return _place_order(user=user, cart=cart, details=details, idempotency_key=idempotency_key,
                            prescription=prescription)
    except IntegrityError as error:
        if IDEMPOTENCY_CONSTRAINT not in str(error):
            raise
        existing = _order_with_key(user=user, idempotency_key=idempotency_key)
        if existing is None:
            raise
        return _replay(existing, fingerprint=_fingerprint(details.cleaned(), prescription))


def _order_with_key(*, user, idempotency_key: str) -> Order | None:
    return Order.objects.filter(user=user, idempotency_key=idempotency_key).first()


def _replay(existing: Order, *, fingerprint: str) -> Order:
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(field="idempotency_key")
    return existing


@transaction.atomic
def _place_order(
    *, user, cart: Cart, details: CheckoutDetails, idempotency_key: str, prescription: Prescription | None
) -> Order:
    if not idempotency_key or len(idempotency_key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise InvalidCheckoutDetails(
            f"An idempotency key of 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters is required.",
            field="idempotency_key",
        )
    if cart.user_id != user.pk:
        raise InvalidCheckoutDetails("Sign in to check out this cart.", field="cart")
    if user.email_verified_at is None and not user.is_staff:  # a new account confirms its address first
        raise EmailNotVerified()
    details = details.cleaned()
    cart = cart_for_update(cart_id=cart.pk)  # serialises checkouts of this cart, and replays

    fingerprint = _fingerprint(details, prescription)
    existing = _order_with_key(user=user, idempotency_key=idempotency_key)
    if existing is not None:
        return _replay(existing, fingerprint=fingerprint)

    lines = list(list_cart_lines(cart=cart))
    if not lines:
        raise CartEmpty(field="cart")
    _check_details(details)
    for line in lines:
        check_pack_purchasable(pack=line.pack, quantity=line.quantity, check_stock=False)

    prescription_lines = [line for line in lines if line.pack.product.prescription_required]
    if prescription_lines and prescription is not None:
        # Read it afresh, locked: the caller's copy may be stale, and two checkouts drawing on one
        # prescription must not both spend the same allowance.
        prescription = prescription_for_update(prescription_id=prescription.pk)
    if prescription_lines:
        _check_prescription_for_checkout(user=user, prescription=prescription, lines=prescription_lines)
    else:
        prescription = None

    leaflets = current_leaflet_revision_ids(product_ids=[line.pack.product_id for line in lines])
    for line in lines:
        if line.pack.product_id not in leaflets:
            raise LeafletMissing(
                f"{line.pack.display_name} cannot be sold until its patient information leaflet is published.",
                field="cart", sku=line.pack.sku,
            )

    reserve_stock(quantities={line.pack_id: line.quantity for line in lines})

    total = sum((line.line_total for line in lines), Money.zero(cart.currency)).rounded()
    status = OrderStatus.AWAITING_PRESCRIPTION_REVIEW if prescription_lines else OrderStatus.APPROVED
    order = Order.objects.create(
        user=user,
        status=status,
        currency=cart.currency,
        total_amount=total.amount,
        requires_prescription=bool(prescription_lines),
        prescription=prescription,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        **asdict(details),
    )
    OrderLine.objects.bulk_create(
        _snapshot_line(order=order, cart_line=line, leaflet_revision_id=leaflets[line.pack.product_id])
        for line in lines
    )
    reason = "Awaiting pharmacist review of the prescription." if prescription_lines else "No prescription needed."
    OrderEvent.objects.create(order=order, from_status="", to_status=status, actor=user, reason=reason)
    empty_cart(cart=cart)
    record_message(order=order, kind=MessageKind.ORDER_PLACED)
    return order


def _check_prescription_for_checkout(*, user, prescription: Prescription | None, lines: list) -> None:
    if prescription is None:
        names = "; ".join(line.pack.display_name for line in lines)
        raise PrescriptionRequired(
            f"A prescription is needed for: {names}. Upload one or choose one of your valid prescriptions.",
            field="prescription", skus=[line.pack.sku for line in lines],
        )
    if prescription.owner_id != user.pk:
        # Not "someone else's": that would confirm the id exists.
        raise PrescriptionNotUsable("We could not find that prescription in your account.", field="prescription")
    if prescription.status == PrescriptionStatus.REJECTED:
        raise PrescriptionNotUsable(
            "That prescription was rejected by our pharmacist and cannot be used.", field="prescription"
        )
    if prescription.status == PrescriptionStatus.APPROVED:
        check_not_expired(prescription)
        check_prescription_covers(prescription=prescription, lines=lines)
    # A submitted prescription is evidence still to be checked: the order waits for the pharmacist.


def _snapshot_line(*, order: Order, cart_line, leaflet_revision_id: int) -> OrderLine:
    pack = cart_line.pack
    product = pack.product
    return OrderLine(
        order=order,
        pack=pack,
        sku=pack.sku,
        product_name=product.name,
        description=pack.display_name,
        strength=pack.strength_label,
        dosage_form=product.get_dosage_form_display(),
        pack_size=pack.pack_size,
        pack_unit=pack.pack_unit,
        legal_category=product.legal_category,
        unit_price_amount=pack.price_amount,
        quantity=cart_line.quantity,
        leaflet_revision_id=leaflet_revision_id,
    )
