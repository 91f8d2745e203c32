"""Erasing an account (GDPR Art. 17) with legal holds (Art. 17(3)(b)): the account is closed at once, what no
law asks us to keep is erased or anonymised, and what a law does ask us to keep stays, restricted
(Art. 18), until the retention clock deals with it. Returns the erasure report, which names no person."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.locks import user_for_update
from cart.locks import carts_of_user_for_update
from orders.models import Order, OrderStatus

from ...exceptions import ErasureBlockedByOpenOrder, ErasureNotAllowed
from ...models import HealthDataConsent
from ...retention import RetentionPolicy, retention_policy
from . import steps
from .held import held_records

OPEN_ORDER_STATUSES = [OrderStatus.AWAITING_PAYMENT, OrderStatus.AWAITING_REVIEW, OrderStatus.APPROVED]

# What the erasure removes at once, in the report's words and order.
ERASED_KINDS = {
    "account": "Your account: name, e-mail address and password (you can no longer sign in)",
    "sign_ins": "Your sign-ins: API tokens, sessions and the records of sign-in attempts",
    "health_records": "Health records (yours and those of the people you care for)",
    "consultation_answers": "Your answers to the pharmacist's questions",
    "unsupplied_prescriptions": "Prescriptions uploaded but never supplied (the files and the names on them)",
    "carts": "Your basket",
    "order_contacts": "The address, phone and card keys we use to spot shared details between orders",
    "data_exports": "Copies of your data you downloaded (exports)",
    "messages": "The e-mail address on the messages we sent you",
}


def ensure_may_be_erased(user) -> None:
    if user.is_staff or user.is_superuser:
        raise ErasureNotAllowed()
    if Order.objects.filter(user=user, status__in=OPEN_ORDER_STATUSES).exists():
        raise ErasureBlockedByOpenOrder()


def _withdraw_consents(*, user, now: datetime) -> None:
    """The consent ends with the account; the evidence of it is kept for its own period."""
    HealthDataConsent.objects.filter(user=user, withdrawn_at=None, superseded_at=None).update(withdrawn_at=now)


def erase_account(*, user, now: datetime | None = None, policy: RetentionPolicy | None = None) -> dict:
    """Inside one transaction: close the account, erase what is not held, and report. The report's `kept`
    lists each held kind with its count, legal basis, source and the date its hold ends."""
    now = now or timezone.now()
    policy = policy or retention_policy()
    with transaction.atomic():
        # The carts first, as every transaction takes them (docs/layout.md, row locks): a checkout already
        # under way ends before the erasure looks for open orders, so its order blocks the erasure instead
        # of being left open on an erased account.
        carts_of_user_for_update(user_id=user.pk)
        user = user_for_update(user_id=user.pk)
        ensure_may_be_erased(user)
        old_email = user.email
        _withdraw_consents(user=user, now=now)
        # Measured first: the access logs are found through the health records erased below.
        kept = held_records(user=user, policy=policy)
        erased = {
            "sign_ins": steps.revoke_sign_ins(user=user) + steps.erase_sign_in_records(user=user, old_email=old_email),
            "health_records": steps.erase_health_records(user=user),
            "consultation_answers": steps.erase_consultation_answers(user=user),
            "unsupplied_prescriptions": steps.erase_unsupplied_prescriptions(user=user),
            "carts": steps.erase_carts(user=user),
            "order_contacts": steps.erase_order_contacts(user=user),
            "data_exports": steps.erase_data_exports(user=user),
            "messages": steps.forget_message_recipients(user=user),
        }
        erased["account"] = steps.close_account(user=user, now=now)
    return {
        "erased_at": now.isoformat(),
        "policy_version": policy.version,
        "erased": [
            {"kind": kind, "record": label, "count": erased[kind]} for kind, label in ERASED_KINDS.items()
            if erased[kind]
        ],
        "kept": kept,
    }
