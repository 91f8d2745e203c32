"""Checkout's reads: the cart's lines as checkout reads them, and the consultation questions asked for
the pharmacy-only (P) lines of a cart."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet, Subquery

from cart.models import CartLine
from cart.selectors import STRENGTHS, list_cart_lines
from catalog.models import ConsultationQuestion, LegalCategory, Strength
from catalog.selectors import consultation_questions_for, current_leaflet_revision_id_expression
from orders.models import Order
from pharmacy.compiled_query import AmongIds, CompiledQuery, fill_prefetched


@dataclass(frozen=True)
class CheckoutQuestions:
    sku: str
    description: str
    minimum_age: int | None
    questions: list


def _checkout_lines(*, cart_id: int, user_id: int, idempotency_key: str) -> QuerySet[CartLine]:
    order_with_key = Order.objects.filter(user_id=user_id, idempotency_key=idempotency_key).values("pk")[:1]
    return (
        CartLine.objects.filter(cart_id=cart_id)
        .select_related("pack__product")
        .annotate(leaflet_revision_id=current_leaflet_revision_id_expression("pack__product_id"),
                  order_with_key_id=Subquery(order_with_key))
        .order_by("created_at", "pk")
    )


# Compiled once per process (pharmacy.compiled_query), found again by ids no row has and a key no one sends.
_COMPILED_CHECKOUT_LINES = CompiledQuery(CartLine, _checkout_lines, cart_id=-4_242_425, user_id=-4_242_426,
                                         idempotency_key="\x1fcompiled-checkout-lines\x1f")
# The lines' strengths, as prefetching STRENGTHS reads them (and fill_prefetched then gives each pack its own).
_COMPILED_STRENGTHS = CompiledQuery(
    Strength, lambda *, pack_ids: STRENGTHS.queryset.filter(AmongIds("pack_id", pack_ids)), pack_ids=[-4_242_428],
)


def list_cart_lines_for_checkout(*, cart, user, idempotency_key: str) -> list[CartLine]:
    """The cart's lines with their packs, products and strengths, as cart.selectors.list_cart_lines reads
    them but without each pack's stock (checkout counts it under the packs' locks), each with what checkout
    would otherwise read in statements of its own: `leaflet_revision_id`, the current leaflet of the line's
    product (None without one), and `order_with_key_id`, the user's order placed with this idempotency key
    (None: a new checkout; the same on every line). Read under the cart's lock, so that a checkout queued
    behind another with the same key sees the order that one placed. Two queries (the lines, their
    strengths), their SQL compiled once per process."""
    lines = _COMPILED_CHECKOUT_LINES.run(cart_id=cart.pk, user_id=user.pk, idempotency_key=idempotency_key)
    packs = [line.pack for line in lines]
    strengths = _COMPILED_STRENGTHS.run(pack_ids=sorted({pack.pk for pack in packs})) if packs else []
    fill_prefetched(packs, STRENGTHS.prefetch_to, strengths, queryset=STRENGTHS.queryset)
    return lines


def list_checkout_questions(*, cart) -> list[CheckoutQuestions]:
    """For each pharmacy-only (P) line of the cart, the consultation questions checkout will ask."""
    lines = list(list_cart_lines(cart=cart))
    questions = questions_for_lines(lines=lines)
    return [
        CheckoutQuestions(
            sku=line.pack.sku,
            description=line.pack.display_name,
            minimum_age=line.pack.product.minimum_age,
            questions=questions[line.pack_id],
        )
        for line in lines
        if line.pack_id in questions
    ]


def questions_for_lines(*, lines: Sequence) -> dict[int, list[ConsultationQuestion]]:
    """The questions to ask at checkout for each P line of the cart, keyed by the cart line's pack id."""
    pharmacy_lines = [line for line in lines if line.pack.product.legal_category == LegalCategory.PHARMACY]
    if not pharmacy_lines:
        return {}
    questions = consultation_questions_for(product_ids={line.pack.product_id for line in pharmacy_lines})
    return {line.pack_id: questions[line.pack.product_id] for line in pharmacy_lines}
