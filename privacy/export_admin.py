"""Subject access exports in the admin: a read-only list, so staff can see a request's progress and answer
the shopper. The ZIP itself never opens here: only its owner downloads it, through the signed link."""

from django.contrib import admin

from .models import DataExport


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "status", "interface", "requested_at", "built_at", "expires_at", "size_bytes"]
    list_filter = ["status", "interface"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user", "status", "interface", "requested_at", "built_at", "expires_at", "size_bytes"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
