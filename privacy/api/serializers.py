from rest_framework import serializers

from ..models import ConsentInterface, ExportStatus


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


class DataExportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=ExportStatus.choices,
        help_text="pending and building: being prepared (an e-mail says when it is ready); ready: download it "
        "from `download_url`; failed: ask again; expired: deleted, ask again.",
    )
    requested_at = serializers.DateTimeField()
    built_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True, help_text="After this, the file is deleted.")
    size_bytes = serializers.IntegerField(allow_null=True)
    download_url = serializers.CharField(
        allow_null=True,
        help_text="While ready: the signed download link (this API, for the same signed-in shopper), else null.",
    )
