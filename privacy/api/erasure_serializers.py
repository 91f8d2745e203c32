from rest_framework import serializers

from ..models import ErasureChannel, ErasureStatus


class ErasedKindOutputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="e.g. `account`, `health_records`, `consultation_answers`, `carts`.")
    record = serializers.CharField(help_text="What it is, in words.")
    count = serializers.IntegerField()


class KeptKindOutputSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="The retention policy's kind, e.g. `orders`, `prescription_register`.")
    record = serializers.CharField()
    count = serializers.IntegerField()
    legal_basis = serializers.CharField(help_text="Why it is kept.")
    action = serializers.ChoiceField(choices=["delete", "anonymise", "keep"], help_text="What happens at `until`.")
    outcome = serializers.CharField(help_text="The same, in words.")
    note = serializers.CharField(allow_blank=True)
    until = serializers.DateField(help_text="When the hold ends (the latest of this kind's records).")
    source_title = serializers.CharField()
    source_url = serializers.URLField()


class ErasureReportOutputSerializer(serializers.Serializer):
    erased_at = serializers.DateTimeField()
    policy_version = serializers.IntegerField(help_text="The retention policy's version the end dates come from.")
    erased = ErasedKindOutputSerializer(many=True)
    kept = KeptKindOutputSerializer(many=True, help_text="Records kept under a legal hold, restricted until `until`.")


class ErasureRequestOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ErasureStatus.choices)
    channel = serializers.ChoiceField(choices=ErasureChannel.choices)
    received_on = serializers.DateField()
    deadline = serializers.DateField(help_text="We answer by this date (one month after receipt).")
    completed_at = serializers.DateTimeField(allow_null=True)
    report = ErasureReportOutputSerializer(
        source="completed_report", allow_null=True, help_text="Once completed: what was erased and what is kept."
    )


class ErasureConfirmInputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The token in the e-mailed link (the last part of its path).")
