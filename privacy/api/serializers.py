from rest_framework import serializers

from ..models import ConsentInterface


class PrivacyNoticeOutputSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="number", help_text="Send it back as `notice_version` to consent.")
    effective_on = serializers.DateField()
    consent_text = serializers.CharField(help_text="The words to show next to an unticked consent box.")
    url = serializers.CharField(help_text="The notice's page (this revision).")


class HealthDataConsentOutputSerializer(serializers.Serializer):
    notice_version = serializers.IntegerField(source="notice.number")
    text_shown = serializers.CharField()
    given_at = serializers.DateTimeField()
    interface = serializers.ChoiceField(choices=ConsentInterface.choices)


class HealthDataConsentStateOutputSerializer(serializers.Serializer):
    consented = serializers.BooleanField(
        help_text="True while a consent is in force for a notice revision that still counts: orders that "
        "reveal health data are accepted."
    )
    consent = HealthDataConsentOutputSerializer(
        allow_null=True, help_text="The consent in force, or null (never given, withdrawn, or asked again)."
    )
    notice = PrivacyNoticeOutputSerializer(allow_null=True, help_text="The revision in force, to show and consent to.")


class HealthDataConsentInputSerializer(serializers.Serializer):
    notice_version = serializers.IntegerField(min_value=1, help_text="The notice revision shown to the shopper.")
    consent = serializers.BooleanField(help_text="The shopper ticked the box: must be true.")

    def validate_consent(self, value: bool) -> bool:
        if value is not True:
            raise serializers.ValidationError("Consent must be given explicitly: true.")
        return value
