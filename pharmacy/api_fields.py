"""Serializer fields for JSON request bodies that accept exactly the JSON types the schema documents.

DRF's CharField also takes 12 or 1.5 (and stores "12"), its IntegerField takes "12" and 12.0, and its
BooleanField takes "yes", "on", 1 and "1"; the OpenAPI schema says string, integer and boolean, so clients
and contract tests are held to those types.
"""

from rest_framework import serializers


class _StringOnly:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            # Measured as sent, like the schema's maxLength: trimming must not let a longer value through.
            self.fail("max_length", max_length=self.max_length, length=len(data))
        return super().to_internal_value(data)


class StrictCharField(_StringOnly, serializers.CharField):
    pass


class StrictEmailField(_StringOnly, serializers.EmailField):
    pass


class StrictRegexField(_StringOnly, serializers.RegexField):
    pass


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: a consent is given by true, not by "yes" or 1 (multipart forms, which send
    every value as a string, keep DRF's BooleanField)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data
