"""Staff admin of prescriptions: read-only here (decided on the order's review page, through the services;
dispensing's admin extends PrescriptionAdmin with the legal original), the file shown inline to
pharmacists only, and the read-only log of requests for someone else's prescription file."""

from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.restriction import RestrictedRecordsAdminMixin
from accounts.second_factor import request_has_second_factor
from orders.admin import ReadOnlyInline
from pharmacy.admin_mixins import ReadOnlyAdminMixin

from .downloads import serve_prescription_file
from .models import FileAccessChannel, Prescription, PrescriptionFileAccess, PrescriptionIssue, PrescriptionItem


class PrescriptionItemInline(ReadOnlyInline):
    model = PrescriptionItem
    fields = ("pack", "quantity", "directions")
    readonly_fields = fields


class PrescriptionIssueInline(ReadOnlyInline):
    """Each order drawing on a repeatable prescription; a cancelled or rejected order's issue is freed."""

    model = PrescriptionIssue
    fields = ("number", "order", "issued_at")
    readonly_fields = fields


@admin.register(Prescription)
class PrescriptionAdmin(RestrictedRecordsAdminMixin, admin.ModelAdmin):
    restricted_account_path = "owner"
    list_display = ("pk", "owner", "status", "uploaded_at", "valid_until", "reviewed_by")
    list_filter = ("status", "uploaded_at")
    search_fields = ("owner__email", "prescriber_name", "prescriber_registration")
    list_select_related = ("owner", "reviewed_by")
    inlines = [PrescriptionItemInline, PrescriptionIssueInline]
    readonly_fields = [
        "owner", "file_link", "original_filename", "content_type", "size_bytes", "sha256", "status", "uploaded_at",
        "prescriber_name", "prescriber_registration", "prescriber_address", "issued_on", "valid_until",
        "reviewed_by", "reviewed_at", "rejection_reason", "source", "original_received_at", "original_received_by",
        "original_matches", "original_checked_note", "electronic_prescription_id",
        "repeatable", "issues_authorised", "repeat_interval_days",
    ]
    exclude = ("file",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided on the order's review page, through the services

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="File")
    def file_link(self, prescription):
        url = reverse("admin:prescriptions_prescription_file", args=[prescription.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Open {}</a>', url, prescription.original_filename
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.file_view)
        return [path("<int:prescription_id>/file/", view, name="prescriptions_prescription_file"), *super().get_urls()]

    def file_view(self, request, prescription_id: int):
        """Shown inline in the browser, to pharmacists only; sandboxed so a crafted PDF cannot run script."""
        try:
            return serve_prescription_file(user=request.user, prescription_id=prescription_id, inline=True,
                                           pharmacists_only=True, channel=FileAccessChannel.ADMIN,
                                           second_factor=request_has_second_factor(request))
        except Prescription.DoesNotExist:
            raise Http404 from None


@admin.register(PrescriptionFileAccess)
class PrescriptionFileAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every request for someone else's prescription file, served or refused. Read-only to everyone; who
    sees it is the usual view permission (superusers, or prescriptions.view_prescriptionfileaccess)."""

    list_display = ("accessed_at", "user", "prescription_reference", "channel", "served")
    list_filter = ("served", "channel", "accessed_at")
    search_fields = ("user__email", "=prescription_reference")
    list_select_related = ("user",)
    date_hierarchy = "accessed_at"
