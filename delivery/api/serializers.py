"""Delivery methods as the API shows them."""

from rest_framework import serializers

from catalog.api.serializers import MoneyOutputSerializer


class DeliveryMethodOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Send this as `delivery_method` at checkout.")
    name = serializers.CharField()
    description = serializers.CharField()
    estimated_days_min = serializers.IntegerField(help_text="Working days, at the earliest.")
    estimated_days_max = serializers.IntegerField(help_text="Working days, at the latest.")
    price = MoneyOutputSerializer(help_text="Including VAT.")
    free_over = MoneyOutputSerializer(
        allow_null=True, help_text="Free when the items' total (including VAT) is at least this; null: never free."
    )
    is_default = serializers.SerializerMethodField(help_text="Charged when checkout names no method.")

    def get_is_default(self, method) -> bool:
        return method.pk == self.context.get("default_id")
