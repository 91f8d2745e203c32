"""API shapes of the clinical alerts kept with an order: the shopper's advice, and the pharmacist's full
alert with its source and override. Read from rows prefetched with the order (no query per row). Also the
cart's advice, computed from the cart as it is now (clinical.services.advice_for_cart)."""

from rest_framework import serializers

from .models import AlertSeverity
from .services import advice_for_cart


class OrderAdviceOutputSerializer(serializers.Serializer):
    """What the shopper reads on the order: the advice, never the pharmacist's note."""

    kind = serializers.CharField(help_text="interaction, duplication, max_daily_dose, age, pregnancy, "
                                           "breastfeeding, condition or allergy")
    severity = serializers.ChoiceField(choices=AlertSeverity.choices)
    advice = serializers.CharField()
    line_id = serializers.IntegerField(allow_null=True, help_text="The first order line it involves, if one.")


class OrderAlertOutputSerializer(OrderAdviceOutputSerializer):
    """What the pharmacist reviews: every alert with its severity, source and any override."""

    id = serializers.IntegerField()
    line_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Every order line it involves (both medicines of an interaction, each line of a duplication): "
        "approving any of them needs the override.",
    )
    rule_id = serializers.CharField()
    message = serializers.CharField(help_text="For the pharmacist.")
    source = serializers.CharField(help_text="The leaflet or SmPC section, BNF or MHRA reference.")
    subjects = serializers.ListField(child=serializers.CharField(), help_text="What the rule found.")
    needs_override = serializers.BooleanField(help_text="Major or contraindicated: approving needs an override.")
    overridden_at = serializers.DateTimeField(allow_null=True)
    override_reason = serializers.CharField()
    prescriber_contacted = serializers.BooleanField(allow_null=True)


class CartAdviceOutputSerializer(serializers.Serializer):
    """One piece of the cart's advice, as the storefront cart shows it: `refused` when checkout will refuse it."""

    kind = serializers.CharField(help_text="interaction, duplication, max_daily_dose, age, pregnancy, "
                                           "breastfeeding, condition or allergy")
    severity = serializers.ChoiceField(choices=AlertSeverity.choices)
    advice = serializers.CharField()
    refused = serializers.BooleanField(
        help_text="True when checkout will refuse the cart for it: talk to our pharmacist first.")
    skus = serializers.ListField(child=serializers.CharField(), source="line_keys",
                                 help_text="The SKUs of every cart line it involves.")


def cart_advice_items(advice) -> list[dict]:
    """A clinical.services.CartAdvice as CartAdviceOutputSerializer's items: what checkout refuses first."""
    return [{"kind": alert.kind, "severity": alert.severity, "advice": alert.advice, "refused": refused,
             "line_keys": list(alert.line_keys)}
            for refused, alerts in ((True, advice.refused), (False, advice.advice)) for alert in alerts]


def cart_advice_for_api(*, user, cart_lines) -> list[dict]:
    """The cart API's advice (registered with cart.advice at ready())."""
    return cart_advice_items(advice_for_cart(user=user, cart_lines=cart_lines))
