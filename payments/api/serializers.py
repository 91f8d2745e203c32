from rest_framework import serializers

from pharmacy.api_fields import StrictCharField

from ..models import PaymentStatus


class PaymentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    currency = serializers.CharField()
    amount_authorised = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount_captured = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount_refunded = serializers.DecimalField(max_digits=12, decimal_places=2)
    card_last4 = serializers.CharField(help_text="Empty when the gateway did not say.")
    failure_message = serializers.CharField(help_text="Why the card was declined; empty otherwise.")
    client_action = serializers.JSONField(
        help_text="Set while status is requires_action: what the shopper must do to confirm the payment. "
        "Test gateway: {type: redirect_to_url, url}. Stripe: {type: use_stripe_sdk, client_secret} for "
        "Stripe.js handleCardAction."
    )
    created_at = serializers.DateTimeField()


class PaymentInputSerializer(serializers.Serializer):
    payment_method = StrictCharField(
        max_length=100,
        help_text="The test gateway's test card number (e.g. 4242424242424242), or a Stripe PaymentMethod id.",
    )
