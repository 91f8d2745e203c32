"""Cart API shapes. Input serializers check shape only; whether a pack may be bought is the
purchase policy's call (catalog.services), reached through cart.services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import MoneyOutputSerializer
from clinical.serializers import CartAdviceOutputSerializer
from pharmacy.api_fields import StrictCharField, StrictIntegerField

MAX_QUANTITY = 1000


class CartLineCreateInputSerializer(serializers.Serializer):
    sku = StrictCharField(max_length=40, help_text="The pack's SKU, from the catalog (e.g. BAC-10-84).")
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY, help_text="Number of packs.")


class CartLineUpdateInputSerializer(serializers.Serializer):
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY, help_text="The new number of packs.")


class CartLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField(source="pack.sku")
    description = serializers.CharField(
        source="pack.display_name", help_text="e.g. Baclofen 10 mg tablets, 84 tablets"
    )
    unit_price = MoneyOutputSerializer()
    quantity = serializers.IntegerField()
    line_total = MoneyOutputSerializer()
    prescription_required = serializers.BooleanField(
        help_text="True for a prescription-only medicine: checkout needs a prescription for it."
    )


class CheckoutBlockerOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable reason, e.g. out_of_stock, pack_unavailable, cart_empty.")
    message = serializers.CharField()
    line_id = serializers.IntegerField(
        allow_null=True, help_text="The cart line at fault; null for the whole cart."
    )
    sku = serializers.CharField(allow_null=True)


class CartOutputSerializer(serializers.Serializer):
    lines = CartLineOutputSerializer(many=True)
    total = MoneyOutputSerializer()
    item_count = serializers.IntegerField(help_text="Number of packs across all lines.")
    prescription_required = serializers.BooleanField(
        help_text="True when some line needs a prescription: send `prescription_id` at checkout."
    )
    blockers = CheckoutBlockerOutputSerializer(
        many=True,
        help_text="What would make checkout refuse right now; empty when it can go ahead. "
        "A missing prescription is not listed: it is supplied at checkout.",
    )
    clinical_advice = serializers.SerializerMethodField(
        help_text="Advice from our clinical checks on the cart as it is now, for the account holder (checkout "
        "checks again for the patient it names), as the storefront cart shows it: what checkout will refuse "
        "(`refused`), then the advice it keeps with the order.",
    )

    @extend_schema_field(CartAdviceOutputSerializer(many=True))
    def get_clinical_advice(self, summary) -> list:
        """Computed by the view (cart.advice, which the clinical app answers) and passed in the context."""
        return CartAdviceOutputSerializer(self.context.get("clinical_advice", []), many=True).data
