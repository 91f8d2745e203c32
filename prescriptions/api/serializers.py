"""Prescriptions: API shapes. The input serializer checks shape and types only (the rules are in
prescriptions.services); output serializers read rows the selectors have shaped, so none of them queries
per row."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Prescription, PrescriptionStatus
from ..services.repeats import repeat_status, repeat_status_is_unknown


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request else url


class PrescriptionUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,  # an empty file is refused by the service, as the wrong kind of file (415)
        help_text="A PDF, JPEG or PNG scan or photo of the prescription, at most "
        "PRESCRIPTION_MAX_UPLOAD_BYTES (5 MB by default). Its content must be what its name and type say.",
    )


class PrescriptionRepeatOutputSerializer(serializers.Serializer):
    issues_allowed = serializers.IntegerField(help_text="How many times it may be dispensed in all, the first "
                                              "included (twice when the prescriber stated no number).")
    issues_used = serializers.IntegerField(help_text="Issues drawn by orders not cancelled or rejected.")
    issues_left = serializers.IntegerField()
    interval_days = serializers.IntegerField(help_text="The fewest days between one issue and the next.")
    next_issue_on = serializers.DateField(
        allow_null=True, help_text="The first day it can be ordered again; null when no issue is left, or none in date."
    )
    repeats_end_on = serializers.DateField(help_text="The last day a repeat can be dispensed.")


class PrescriptionOutputSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=PrescriptionStatus.choices,
        help_text="submitted: waiting for a pharmacist; approved; rejected.",
    )
    file_url = serializers.SerializerMethodField(
        help_text="Download the file (its owner, or a pharmacist signed in with a second factor)."
    )

    class Meta:
        model = Prescription
        fields = [
            "id",
            "status",
            "uploaded_at",
            "original_filename",
            "content_type",
            "size_bytes",
            "file_url",
            "repeat",
        ]

    repeat = serializers.SerializerMethodField(
        help_text="For an approved repeatable prescription: its issues, and when it can be ordered again "
        "(POST .../reorder/); null otherwise."
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_file_url(self, prescription: Prescription) -> str:
        url = reverse("api:prescription-file", kwargs={"prescription_id": prescription.pk})
        return _absolute(self.context.get("request"), url)

    @extend_schema_field(PrescriptionRepeatOutputSerializer(allow_null=True))
    def get_repeat(self, prescription: Prescription) -> dict | None:
        if repeat_status_is_unknown(prescription):
            return None
        # The selector prefetches the issues with their orders, and the items with their products.
        status = repeat_status(prescription, issues=list(prescription.issues.all()))
        return PrescriptionRepeatOutputSerializer(status).data


class PharmacistPrescriptionOutputSerializer(PrescriptionOutputSerializer):
    class Meta(PrescriptionOutputSerializer.Meta):
        fields = [  # the repeat history is the order's (ReviewOrderDetailOutputSerializer.repeat)
            *(name for name in PrescriptionOutputSerializer.Meta.fields if name != "repeat"),
            "source", "original_received_at", "original_received_by", "original_matches", "original_checked_note",
            "prescriber_address", "patient_name", "patient_date_of_birth",  # with the dispensing record
            "electronic_prescription_id",
        ]
