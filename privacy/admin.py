from django.contrib import admin, messages

from accounts.restriction import RestrictedRecordsAdminMixin

from . import (
    erasure_admin,  # noqa: F401  (registers the erasure request queue)
    export_admin,  # noqa: F401  (registers the read-only list of exports)
)
from .models import HealthDataConsent, PrivacyNoticeRevision, RetentionRun, RetentionRunCount
from .services import publish_notice


@admin.register(PrivacyNoticeRevision)
class PrivacyNoticeRevisionAdmin(admin.ModelAdmin):
    list_display = ["number", "effective_on", "published_at", "asks_for_consent_again"]
    readonly_fields = ["published_at", "created_at"]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:  # immutable once published: every field is read-only
            return [field.name for field in obj._meta.fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_published)

    @admin.action(description="Publish the selected drafts (they can never change afterwards)")
    def publish(self, request, queryset):
        for revision in queryset.filter(published_at__isnull=True):
            publish_notice(revision=revision)
            messages.success(request, f"Revision {revision.number} is published.")


@admin.register(HealthDataConsent)
class HealthDataConsentAdmin(RestrictedRecordsAdminMixin, admin.ModelAdmin):
    """Evidence: read-only."""

    list_display = ["user", "notice", "given_at", "interface", "withdrawn_at", "superseded_at"]
    list_filter = ["interface"]
    search_fields = ["user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RetentionRunCountInline(admin.TabularInline):
    model = RetentionRunCount
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "action", "count"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "policy_version"]
    inlines = [RetentionRunCountInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
