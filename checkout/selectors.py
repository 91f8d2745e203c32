"""Checkout's reads: the consultation questions asked for the pharmacy-only (P) lines of a cart."""

from collections.abc import Sequence
from dataclasses import dataclass

from cart.selectors import list_cart_lines
from catalog.models import ConsultationQuestion, LegalCategory
from catalog.selectors import consultation_questions_for


@dataclass(frozen=True)
class CheckoutQuestions:
    sku: str
    description: str
    minimum_age: int | None
    questions: list


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
