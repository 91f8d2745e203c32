"""Health data at checkout: which orders reveal it, and the consent they need.

An order reveals health data (GDPR Art. 9) when it holds a pharmacy (P) or prescription-only (POM)
medicine, consultation answers, or is for one of the account's health records or someone the shopper
cares for. Such an order needs the shopper's explicit consent. Whether it holds, and how a consent given
with the order is recorded as evidence, is the privacy app's to say: it sits above checkout and registers
both hooks here at ready(), so every face that places an order (page, API, "order again", tasks) goes
through the same rule in place_order without checkout importing it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from catalog.models import LegalCategory
from patients.details import PatientDetails


@dataclass(frozen=True)
class ConsentGiven:
    """The shopper ticked the health-data consent box with this order: through `interface` ("storefront" or
    "api"), to the revision of the privacy notice they were shown (None: the one in force)."""

    interface: str
    notice_number: int | None = None


@dataclass(frozen=True)
class ConsentPrompt:
    """What the checkout page shows beside the unticked box: the words, and the notice they belong to."""

    notice_number: int
    text: str
    notice_url: str


# (user=..., consent=ConsentGiven | None) -> None; raises a DomainError when no consent holds.
ConsentGate = Callable[..., None]
# (user=...) -> ConsentPrompt, or None when the shopper's consent is already in force.
ConsentPrompter = Callable[..., ConsentPrompt | None]

_gate: ConsentGate | None = None
_prompter: ConsentPrompter | None = None


def register_health_data_consent(*, gate: ConsentGate, prompter: ConsentPrompter) -> None:
    global _gate, _prompter
    _gate, _prompter = gate, prompter


def reveals_health_data(*, lines: Sequence, patient: PatientDetails, answers: Mapping) -> bool:
    """From what the shopper sent, before anything is read about them: cart lines, the patient as given
    (a chosen record, or someone else by name) and the consultation answers."""
    if any(line.pack.product.legal_category != LegalCategory.GENERAL_SALE for line in lines):
        return True
    if patient.record_id is not None or not patient.is_account_holder:
        return True
    return any(str(answer or "").strip() for given in answers.values() for answer in (given or {}).values())


def check_health_data_consent(*, user, consent: ConsentGiven | None) -> None:
    """For an order that reveals health data: record the consent given with it, or refuse the order
    without one in force (the registered gate raises)."""
    if _gate is None:
        raise ImproperlyConfigured("No health-data consent gate is registered (privacy registers it at ready()).")
    _gate(user=user, consent=consent)


def consent_prompt(*, user) -> ConsentPrompt | None:
    """The box to show at checkout, or None when the shopper's consent is in force."""
    if _prompter is None:
        raise ImproperlyConfigured("No health-data consent prompt is registered (privacy registers it at ready()).")
    return _prompter(user=user)
