"""Checkout: one entry point, one transaction. It creates the order, its lines and the stock
movements, or changes nothing."""

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.exceptions import EmailNotVerified
from cart.locks import cart_for_update
from cart.models import Cart
from cart.services import empty_cart
from catalog.exceptions import LeafletMissing
from catalog.models import LegalCategory
from catalog.services import check_pack_purchasable, reserve_stock
from clinical import services as clinical_checks
from delivery.services import choose_delivery_method
from orders.exceptions import CartEmpty, IdempotencyKeyReused, InvalidCheckoutDetails, PatientDetailsRequired
from orders.models import LineDecision, Order, OrderEvent, OrderLine, OrderStatus
from orders.services.confirmation import confirm_placement, placed_status
from orders.services.order_amounts import order_amounts
from patients.checkout import checkout_record
from patients.details import PatientDetails
from pharmacy.compiled_insert import CompiledInsert
from prescriptions.exceptions import PrescriptionNotUsable, PrescriptionRequired
from prescriptions.locks import prescription_for_update
from prescriptions.models import Prescription, PrescriptionStatus
from prescriptions.services.coverage import check_not_expired, check_prescription_covers
from prescriptions.services.patient import check_order_is_for_prescription_patient
from prescriptions.services.repeats import check_repeat_available, record_issue
from safeguards.services import apply_purchase_safeguards

from ..health_data import ConsentGiven, check_health_data_consent, reveals_health_data
from ..selectors import list_cart_lines_for_checkout
from .consultations import (
    ConsultationAnswers,
    check_date_of_birth_for_pharmacist_lines,
    check_patient,
    consultation_snapshots,
    link_health_record,
    patient_with_record,
)

MAX_IDEMPOTENCY_KEY_LENGTH = 100
# Every checkout writes an order, its lines and its first event: their INSERTs are compiled once per process.
_ORDER = CompiledInsert(Order)
_LINES = CompiledInsert(OrderLine)
_EVENT = CompiledInsert(OrderEvent)


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


def _fingerprint(details: CheckoutDetails, prescription: Prescription | None, patient: PatientDetails,
                 answers: ConsultationAnswers, delivery_method: str | None = None) -> str:
    payload = {**asdict(details), "prescription": prescription.pk if prescription else None}
    if delivery_method:  # absent: the same fingerprint as before delivery methods
        payload["delivery_method"] = delivery_method
    if patient != PatientDetails() or answers:  # absent: the same fingerprint as before patients and consultations
        payload["patient"] = [patient.name, str(patient.date_of_birth or ""), patient.is_account_holder]
        payload["consultations"] = {sku: {str(k): str(v) for k, v in a.items()} for sku, a in answers.items()}
        if patient.record_id is not None:
            payload["patient"].append(patient.record_id)
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


IDEMPOTENCY_CONSTRAINT = "order_idempotency_key_unique"
# How each database names the broken constraint: PostgreSQL by its name, SQLite by its columns.
IDEMPOTENCY_CONFLICT_MARKS = (IDEMPOTENCY_CONSTRAINT, "orders_order.user_id, orders_order.idempotency_key")


def place_order(
    *, user, cart: Cart, details: CheckoutDetails, idempotency_key: str, prescription: Prescription | None = None,
    patient: PatientDetails | None = None, consultation_answers: ConsultationAnswers | None = None,
    delivery_method: str | None = None, awaiting_payment: bool | None = None, on_placed=None,
    health_data_consent: ConsentGiven | None = None,
) -> Order:
    """Turn the shopper's cart into an order.

    `delivery_method` is the code of an active delivery method (default: the first active one); the
    total is the lines plus its charge, and each line records its VAT (orders.services.vat).

    With `awaiting_payment` (default: settings.PAYMENTS_AT_CHECKOUT) the order is placed in
    `awaiting_payment`, holding its stock, and the cart is kept: the payments app authorises the card
    after this transaction commits and then moves the order on, empties the cart and sends the
    confirmation (payments.services.authorise_order). Unpaid, it expires after
    PAYMENT_AUTHORISATION_TIMEOUT_MINUTES. `on_placed(order)` runs in the placing transaction once the order
    is written (checkout.services.place_order_and_authorise writes the card's attempt there).

    `patient` is who the medicines are for (default: the account holder); age limits use their date of
    birth. `consultation_answers` ({sku: {question id: answer}}) answers the questions of each
    pharmacy-only (P) line. An order with a P or POM line waits for a pharmacist (`awaiting_review`,
    until its `review_deadline`); one of general-sale items alone is approved at once, unless checkout's
    clinical checks raise a major or contraindicated alert (clinical.services.needs_pharmacist_review).

    An order that reveals health data (checkout.health_data) needs the shopper's explicit consent: one in
    force, or `health_data_consent`, given with this order and recorded in its transaction; otherwise it
    is refused (health_data_consent_required) before anything about the patient is read.

    Idempotent: the same key with the same details returns the order it first created (even when
    ten requests race: they queue on the cart's row lock); the same key with other details is refused.
    A concurrent request therefore never sees "in progress": it waits, then gets the replay. Should the
    database's unique constraint on (user, key) still fire, the whole attempt is rolled back and the
    answer is the replay's.
    """
    try:
        if awaiting_payment is None:
            awaiting_payment = settings.PAYMENTS_AT_CHECKOUT
        return _place_order(user=user, cart=cart, details=details, idempotency_key=idempotency_key,
                            prescription=prescription, patient=patient, consultation_answers=consultation_answers,
                            delivery_method=delivery_method, awaiting_payment=awaiting_payment,
                            health_data_consent=health_data_consent, on_placed=on_placed)
    except IntegrityError as error:
        if not any(mark in str(error) for mark in IDEMPOTENCY_CONFLICT_MARKS):
            raise
        existing = _order_with_key(user=user, idempotency_key=idempotency_key)
        if existing is None:
            raise
        fingerprint = _fingerprint(details.cleaned(), prescription, patient or PatientDetails(),
                                   consultation_answers or {}, delivery_method)
        return _replay(existing, fingerprint=fingerprint)


def _order_with_key(*, user, idempotency_key: str) -> Order | None:
    # Every checkout asks, and almost always there is none: the id alone costs far less to select than
    # the order's three dozen columns, which only a replay reads.
    order_id = Order.objects.filter(user=user, idempotency_key=idempotency_key).values_list("pk", flat=True).first()
    return Order.objects.get(pk=order_id) if order_id is not None else None


def _order_placed_with_key(*, user, idempotency_key: str, lines: list) -> Order | None:
    """The order this key placed: the lines name it (read with them under the cart's lock); an empty cart
    (often a replay of a paid checkout, whose cart was emptied) asks in a statement of its own."""
    if not lines:
        return _order_with_key(user=user, idempotency_key=idempotency_key)
    order_id = lines[0].order_with_key_id
    return Order.objects.get(pk=order_id) if order_id is not None else None


def _replay(existing: Order, *, fingerprint: str) -> Order:
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(field="idempotency_key")
    return existing


@transaction.atomic
def _place_order(
    *, user, cart: Cart, details: CheckoutDetails, idempotency_key: str, prescription: Prescription | None,
    patient: PatientDetails | None, consultation_answers: ConsultationAnswers | None, delivery_method: str | None,
    awaiting_payment: bool = False, health_data_consent: ConsentGiven | None = None, on_placed=None,
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

    patient = patient or PatientDetails()
    consultation_answers = consultation_answers or {}
    fingerprint = _fingerprint(details, prescription, patient, consultation_answers, delivery_method)
    lines = list(list_cart_lines_for_checkout(cart=cart, user=user, idempotency_key=idempotency_key))
    existing = _order_placed_with_key(user=user, idempotency_key=idempotency_key, lines=lines)
    if existing is not None:
        return _replay(existing, fingerprint=fingerprint)
    if not lines:
        raise CartEmpty(field="cart")
    _check_details(details)
    method = choose_delivery_method(code=delivery_method)
    for line in lines:
        check_pack_purchasable(pack=line.pack, quantity=line.quantity, check_stock=False)
    # Before anything about the shopper's health is read or written: consent first.
    if reveals_health_data(lines=lines, patient=patient, answers=consultation_answers):
        check_health_data_consent(user=user, consent=health_data_consent)
    # Read once: the patient's details, the order's link and the clinical checks all use this row.
    record = checkout_record(user=user, patient=patient)
    patient = check_patient(user=user, patient=patient_with_record(patient=patient, record=record), lines=lines)
    # The record first: the clinical checks and the prescription's patient go by it, never by the name.
    health_record = link_health_record(user=user, patient=patient, record=record)
    patient = replace(patient, record_id=health_record.pk)
    pharmacist_lines = [line for line in lines if line.pack.product.legal_category != LegalCategory.GENERAL_SALE]
    try:
        check_date_of_birth_for_pharmacist_lines(patient=patient, pharmacist_lines=pharmacist_lines)
    except PatientDetailsRequired as missing:  # with a missing prescription, both in one answer
        raise missing.together_with(*_missing_prescription(lines=lines, prescription=prescription)) from None
    answers_by_pack = consultation_snapshots(lines=lines, answers=consultation_answers)
    clinical_advice = clinical_checks.check_checkout(user=user, patient=patient, lines=lines,  # refuses, or advises
                                                     record=health_record)

    prescription_lines = [line for line in lines if line.pack.product.prescription_required]
    if prescription_lines and prescription is not None:
        # Read it afresh, locked: the caller's copy may be stale, and two checkouts drawing on one
        # prescription must not both spend the same allowance.
        prescription = prescription_for_update(prescription_id=prescription.pk)
    issue_number = None
    if prescription_lines:
        issue_number = _check_prescription_for_checkout(user=user, prescription=prescription, lines=prescription_lines,
                                                        patient=patient)
    else:
        prescription = None

    leaflets = {line.pack.product_id: line.leaflet_revision_id for line in lines if line.leaflet_revision_id}
    for line in lines:
        if line.pack.product_id not in leaflets:
            raise LeafletMissing(
                f"{line.pack.display_name} cannot be sold until its patient information leaflet is published.",
                field="cart", sku=line.pack.sku,
            )

    amounts = order_amounts(lines=lines, delivery_method=method, currency=cart.currency)
    # A major alert on general-sale lines alone also waits for a pharmacist, who releases the order.
    clinical_review = not pharmacist_lines and clinical_checks.needs_pharmacist_review(alerts=clinical_advice)
    needs_pharmacist = bool(pharmacist_lines) or clinical_review
    status = placed_status(requires_pharmacist=needs_pharmacist)
    review_deadline = timezone.now() + timedelta(days=settings.ORDER_REVIEW_DEADLINE_DAYS) if needs_pharmacist else None
    if awaiting_payment:  # the payments app moves it on once the card is authorised
        status = OrderStatus.AWAITING_PAYMENT
        review_deadline = timezone.now() + timedelta(minutes=settings.PAYMENT_AUTHORISATION_TIMEOUT_MINUTES)
    order = _ORDER.create(
        user=user,
        status=status,
        currency=cart.currency,
        subtotal_amount=amounts.subtotal.amount,
        delivery_method=method,
        delivery_method_name=amounts.delivery.name,
        delivery_amount=amounts.delivery.charge.amount,
        delivery_vat_amount=amounts.delivery_vat.amount,
        vat_amount=amounts.vat.amount,
        total_amount=amounts.total.amount,
        requires_prescription=bool(prescription_lines),
        requires_pharmacist=needs_pharmacist,
        prescription=prescription,
        patient_name=patient.name,
        patient_date_of_birth=patient.date_of_birth,
        patient_is_account_holder=patient.is_account_holder,
        patient_record=health_record,
        review_deadline=review_deadline,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        **asdict(details),
    )
    apply_purchase_safeguards(order=order, lines=lines)  # refuses past a purchase limit, or flags the order
    # The pack rows last: every checkout of a popular pack queues on its row lock, held until commit, so
    # the checks above (which read other orders) run before it is taken. Before the lines, whose foreign
    # keys would otherwise share-lock the packs first and let two checkouts deadlock upgrading them.
    reserve_stock(quantities={line.pack_id: line.quantity for line in lines})
    _LINES.insert_many(
        _snapshot_line(order=order, cart_line=line, leaflet_revision_id=leaflets[line.pack.product_id],
                       answers=answers_by_pack.get(line.pack_id, []), vat=amounts.line_vat[line.pk])
        for line in lines
    )
    if issue_number is not None:  # a repeatable prescription: this order is one of its issues
        record_issue(prescription=prescription, order=order, number=issue_number)
    clinical_checks.record_order_alerts(order=order, alerts=clinical_advice)
    reason = _placement_reason(prescription_lines=prescription_lines, pharmacist_lines=pharmacist_lines,
                               clinical_review=clinical_review)
    if awaiting_payment:
        reason = "Awaiting payment; then: " + reason[0].lower() + reason[1:]
    _EVENT.create(order=order, from_status="", to_status=status, actor=user, reason=reason)
    if on_placed is not None:  # what the caller writes with the order, in its transaction (the card's attempt)
        on_placed(order)
    if not awaiting_payment:  # otherwise the cart is kept, and the payments app confirms the order once paid
        empty_cart(cart=cart)
        confirm_placement(order=order, actor=user, first=True)
    return order


def _missing_prescription(*, lines: list, prescription: Prescription | None) -> list[PrescriptionRequired]:
    """The refusal for prescription-only lines with no prescription given (none when there is nothing missing)."""
    prescription_lines = [line for line in lines if line.pack.product.prescription_required]
    if not prescription_lines or prescription is not None:
        return []
    names = "; ".join(line.pack.display_name for line in prescription_lines)
    return [PrescriptionRequired(
        f"A prescription is needed for: {names}. Upload one or choose one of your valid prescriptions.",
        field="prescription", skus=[line.pack.sku for line in prescription_lines],
    )]


def _check_prescription_for_checkout(*, user, prescription: Prescription | None, lines: list,
                                    patient: PatientDetails) -> int | None:
    """Returns the issue number the order takes of an approved repeatable prescription, else None."""
    for missing in _missing_prescription(lines=lines, prescription=prescription):
        raise missing
    if prescription.owner_id != user.pk:
        # Not "someone else's": that would confirm the id exists.
        raise PrescriptionNotUsable("We could not find that prescription in your account.", field="prescription")
    if prescription.status == PrescriptionStatus.REJECTED:
        raise PrescriptionNotUsable(
            "That prescription was rejected by our pharmacist and cannot be used.", field="prescription"
        )
    issue_number = None
    if prescription.status == PrescriptionStatus.APPROVED:
        check_order_is_for_prescription_patient(prescription=prescription, patient_name=patient.name,
                                                patient_date_of_birth=patient.date_of_birth,
                                                record_id=patient.record_id)
        if prescription.repeatable:
            issue_number = check_repeat_available(prescription=prescription)  # issues left, interval, dates
        check_not_expired(prescription)
        check_prescription_covers(prescription=prescription, lines=lines)
    # A submitted prescription is evidence still to be checked: the order waits for the pharmacist.
    return issue_number


def _placement_reason(*, prescription_lines: list, pharmacist_lines: list, clinical_review: bool = False) -> str:
    if clinical_review:
        return "Awaiting pharmacist review of a major clinical alert on general-sale medicines."
    if not pharmacist_lines:
        return "General-sale medicines only: no pharmacist review needed."
    if len(prescription_lines) == len(pharmacist_lines):
        return "Awaiting pharmacist review of the prescription."
    if prescription_lines:
        return "Awaiting pharmacist review of the prescription and of the pharmacy-medicine consultation."
    return "Awaiting pharmacist review of the pharmacy-medicine consultation."


def _snapshot_line(*, order: Order, cart_line, leaflet_revision_id: int, answers: list[dict], vat) -> OrderLine:
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
        vat_rate=vat.rate,
        vat_amount=vat.amount,
        leaflet_revision_id=leaflet_revision_id,
        consultation_answers=answers,
        decision=LineDecision.NOT_NEEDED if product.legal_category == LegalCategory.GENERAL_SALE
        else LineDecision.PENDING,
    )
