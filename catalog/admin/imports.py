"""Admin for the record of catalog import runs (read-only)."""

from django.contrib import admin

from pharmacy.admin_mixins import ReadOnlyAdminMixin

from ..models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What `import_catalog` did and when: read-only, written by the command."""

    list_display = (
        "finished_at",
        "file_name",
        "outcome",
        "rows",
        "problems",
        "products_created",
        "products_updated",
        "packs_created",
        "packs_updated",
    )
    list_filter = ("outcome", "finished_at")
    search_fields = ("file_name",)
    date_hierarchy = "finished_at"
