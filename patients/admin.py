"""Staff see health records read-only (the shopper edits them), only when they may (pharmacists, or the
permission patients.view_health_record), and every record page opened is logged. The log itself is
read-only to everyone."""

from django.contrib import admin

from patients.vocabulary import AllergyClass, Condition
from pharmacy.admin_mixins import ReadOnlyAdminMixin

from .access import log_health_record_view, may_view_health_records
from .models import AccessChannel, HealthRecordAccess, Patient


@admin.register(Patient)
class PatientAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "is_account_holder", "updated_at")  # health details only on the logged page
    search_fields = ("name", "owner__email")
    list_select_related = ("owner",)
    fields = ("name", "owner", "is_account_holder", "date_of_birth", "sex", "pregnant", "pregnancy_weeks",
              "breastfeeding", "condition_names", "allergy_class_names", "allergy_ingredients", "other_medicines",
              "other_medicines_text", "created_at", "updated_at")
    readonly_fields = fields

    @admin.display(description="Conditions")
    def condition_names(self, patient):
        return "; ".join(Condition(code).label for code in patient.conditions) or "-"

    @admin.display(description="Allergic to these groups")
    def allergy_class_names(self, patient):
        return "; ".join(AllergyClass(code).label for code in patient.allergy_classes) or "-"

    def has_module_permission(self, request):
        return may_view_health_records(request.user)

    def has_view_permission(self, request, obj=None):
        return may_view_health_records(request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        patient = (response.context_data or {}).get("original") if hasattr(response, "context_data") else None
        if response.status_code == 200 and patient is not None:
            log_health_record_view(staff=request.user, patient=patient, channel=AccessChannel.ADMIN_RECORD)
        return response


@admin.register(HealthRecordAccess)
class HealthRecordAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("accessed_at", "staff", "patient_reference", "patient", "channel", "order_number")
    list_filter = ("channel", "accessed_at")
    search_fields = ("staff__email", "order_number", "=patient_reference")
    list_select_related = ("staff", "patient")
    date_hierarchy = "accessed_at"

    def has_module_permission(self, request):
        return may_view_health_records(request.user)

    def has_view_permission(self, request, obj=None):
        return may_view_health_records(request.user)
