"""The one interface every payment gateway implements. Amounts cross it as Money; each adapter turns
them into the provider's minor units. Every call that creates or moves money takes an idempotency key."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from pharmacy.money import Money


class IntentStatus:
    REQUIRES_ACTION = "requires_action"  # the shopper must confirm (3-D Secure)
    AUTHORISED = "authorised"  # money held, capturable
    CAPTURED = "captured"
    CANCELED = "canceled"  # voided
    FAILED = "failed"  # declined, or authentication failed
    PROCESSING = "processing"


@dataclass(frozen=True)
class GatewayRefund:
    """One refund of a captured payment, as the gateway holds it (ours, or one made in its dashboard)."""

    reference: str
    amount: int


@dataclass(frozen=True)
class GatewayIntent:
    """What the gateway says about one authorisation, in minor units."""

    reference: str
    status: str
    currency: str
    amount_authorised: int
    amount_captured: int = 0
    amount_refunded: int = 0
    capture_before: datetime | None = None
    client_action: dict = field(default_factory=dict)
    card_fingerprint: str = ""
    card_last4: str = ""
    failure_message: str = ""
    # Every refund of the captured amount, each once (amount_refunded is their sum), and a chargeback.
    refunds: tuple[GatewayRefund, ...] = ()
    disputed: bool = False


class GatewayError(Exception):
    """The gateway could not be reached or refused the request for a reason other than the card.
    The payment row stays as it was; reconciliation or a retry settles it."""


class PaymentGateway(Protocol):
    name: str

    def prepare_payment_method(self, payment_method: str) -> str:
        """What the shopper sent, as it may be stored and later authorised: never a full card number.
        Raises InvalidPaymentMethod for what this gateway cannot take."""

    def authorise(self, *, amount: Money, payment_method: str, idempotency_key: str, metadata: dict,
                  return_url: str) -> GatewayIntent:
        """Authorise `amount` (manual capture). A declined card is an intent with status FAILED."""

    def capture(self, *, reference: str, amount: Money, idempotency_key: str) -> GatewayIntent:
        """Capture `amount` (at most the authorised amount); an intent is captured once."""

    def void(self, *, reference: str, idempotency_key: str) -> GatewayIntent:
        """Release an uncaptured authorisation."""

    def refund(self, *, reference: str, amount: Money, idempotency_key: str) -> str:
        """Refund part or all of a captured amount; returns the refund's reference."""

    def retrieve(self, *, reference: str) -> GatewayIntent:
        """Look the intent up: the truth when our own record may be stale."""
