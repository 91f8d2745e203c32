"""Clinical alerts across orders, read-only: raised by the checks, overridden only through the order's
review page (clinical.services.check_approval), never edited here. An alert is a health detail (its kind,
rule and subjects say pregnancy, an allergy, a condition): only staff who may view health records see this
list, and every page of it they open is logged, one row per order shown."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.restriction import RestrictedRecordsAdminMixin
from catalog.coverage_reviews import acknowledge_coverage_gaps
from catalog.models import ClinicalCoverageReview
from catalog.reclassification import may_reclassify
from patients.access import log_order_health_views, may_view_health_records
from patients.models import AccessChannel
from pharmacy.admin_mixins import ReadOnlyAdminMixin
from pharmacy.exceptions import DomainError

from .coverage import coverage_of_products, sellable_products
from .models import OrderAlert
from .rule_table import Kind

COVERAGE_COLUMNS = ((Kind.INTERACTION, "Interactions"), (Kind.DUPLICATION, "Duplication"),
                    (Kind.MAX_DAILY_DOSE, "Maximum dose"), (Kind.AGE, "Age"), (Kind.PREGNANCY, "Pregnancy"),
                    (Kind.CONDITION, "Conditions"), (Kind.ALLERGY, "Allergy"))


@admin.register(OrderAlert)
class OrderAlertAdmin(RestrictedRecordsAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    restricted_account_path = "order__user"
    list_display = ["created", "order_link", "severity", "kind", "rule_id", "overridden"]
    list_filter = ["severity", "kind", "raised_at_review", ("overridden_by", admin.EmptyFieldListFilter)]
    search_fields = ["order__number", "rule_id"]
    list_select_related = ["order"]
    readonly_fields = [field.name for field in OrderAlert._meta.fields]

    def has_module_permission(self, request):
        return may_view_health_records(request.user)

    def has_view_permission(self, request, obj=None):
        return may_view_health_records(request.user)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            self._log_view(request, [alert.order for alert in changelist.result_list])
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        alert = (getattr(response, "context_data", None) or {}).get("original")
        if alert is not None:
            self._log_view(request, [alert.order])
        return response

    @staticmethod
    def _log_view(request, orders) -> None:
        log_order_health_views(staff=request.user, orders=orders, channel=AccessChannel.ADMIN_ORDER_ALERTS)

    def get_urls(self):
        view = self.admin_site.admin_view(self.coverage_view)
        return [path("coverage/", view, name="clinical_coverage"), *super().get_urls()]

    def coverage_view(self, request):
        """Every sellable medicine with the rules that can fire for it, gaps first (clinical.coverage)."""
        if not request.user.has_perm("catalog.view_product"):
            raise PermissionDenied
        report = coverage_of_products(sellable_products())
        rows = [(item, [(label, item.rules[kind]) for kind, label in COVERAGE_COLUMNS]) for item in report]
        context = {
            **self.admin_site.each_context(request), "title": "Clinical coverage of sellable medicines",
            "opts": self.model._meta, "rows": rows, "columns": [label for _, label in COVERAGE_COLUMNS],
            "with_gaps": sum(1 for item in report if item.gaps), "total": len(report),
        }
        return TemplateResponse(request, "clinical/admin/coverage.html", context)

    @admin.display(description="Order")
    def order_link(self, alert):
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_review", args=[alert.order_id]),
                           alert.order.number)

    @admin.display(boolean=True, description="Overridden")
    def overridden(self, alert):
        return alert.is_overridden


@admin.register(ClinicalCoverageReview)
class ClinicalCoverageReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Imported medicines the rules do not fully cover; a superintendent acknowledges them (audited) before
    they can be published as pharmacy or prescription-only medicines (catalog.coverage_reviews)."""

    list_display = ["product", "gaps", "found_at", "acknowledged_by", "acknowledged_at"]
    list_filter = [("acknowledged_at", admin.EmptyFieldListFilter)]
    search_fields = ["product__name"]
    list_select_related = ["product", "acknowledged_by"]
    readonly_fields = ["product", "gaps", "found_at", "acknowledged_by", "acknowledged_at"]
    actions = ["acknowledge_selected"]

    def has_acknowledge_permission(self, request) -> bool:
        return may_reclassify(request.user)

    @admin.action(description="Acknowledge the coverage gaps of the selected medicines (superintendent)",
                  permissions=["acknowledge"])
    def acknowledge_selected(self, request, queryset):
        try:
            count = acknowledge_coverage_gaps(reviews=list(queryset), actor=request.user)
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        else:
            self.message_user(request, f"{count} medicine(s) acknowledged; recorded with your name and the time.",
                              messages.SUCCESS)
