"""What privacy adds to checkout, registered with checkout.health_data at ready(): the consent gate every
placement of an order revealing health data passes, and the box the checkout page shows."""

from django.urls import reverse

from checkout.health_data import ConsentPrompt, register_health_data_consent

from .services import consent_for_order, current_notice, has_current_consent


def checkout_consent_prompt(*, user) -> ConsentPrompt | None:
    """The unticked box's words and notice for a shopper without a consent in force; None otherwise (or
    before any notice is published, when no consent can be given)."""
    if has_current_consent(user=user):
        return None
    notice = current_notice()
    if notice is None:
        return None
    return ConsentPrompt(
        notice_number=notice.number,
        text=notice.consent_text,
        notice_url=reverse("privacy:notice-revision", kwargs={"number": notice.number}),
    )


def register() -> None:
    register_health_data_consent(gate=consent_for_order, prompter=checkout_consent_prompt)
