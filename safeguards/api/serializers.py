from rest_framework import serializers

from ..models import FlagKind


class OrderFlagOutputSerializer(serializers.Serializer):
    """A warning flag on an order: for pharmacists only, never in the shopper's view of the order."""

    kind = serializers.ChoiceField(choices=FlagKind.choices)
    message = serializers.CharField()
    details = serializers.JSONField(help_text="The figures behind the flag: counts, window, other orders.")
    created_at = serializers.DateTimeField()
