"""A payment's movements: one row for each thing the gateway did with the money, written once."""

from decimal import Decimal

from pharmacy.compiled_insert import CompiledInsert

from .models import Payment, PaymentMovement

# Compiled once per process; PaymentMovement.save() only refuses edits, and this inserts new rows only.
_MOVEMENT = CompiledInsert(PaymentMovement, save_checked=True)


def record_movement(payment: Payment, kind: str, amount: Decimal, *, actor=None, reason: str = "",
                    reference: str = "") -> PaymentMovement:
    return _MOVEMENT.create(
        payment=payment, kind=kind, amount=amount, currency=payment.currency,
        reference=reference or payment.reference, actor=actor if getattr(actor, "pk", None) else None,
        reason=reason[:300],
    )
