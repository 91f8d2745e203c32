"""Clinical alerts across orders, read-only: raised by the checks, overridden only through the order's
review page (clinical.services.check_approval), never edited here. An alert is a health detail (its kind,
rule and subjects say pregnancy, an allergy, a condition): only staff who may view health records see this
list, and every page of it they open is logged, one row per order shown."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from patients.access import log_order_health_views, may_view_health_records
from patients.models import AccessChannel
from pharmacy.admin_mixins import ReadOnlyAdminMixin

from .models import OrderAlert


@admin.register(OrderAlert)
class OrderAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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

    @admin.display(description="Order")
    def order_link(self, alert):
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_review", args=[alert.order_id]),
                           alert.order.number)

    @admin.display(boolean=True, description="Overridden")
    def overridden(self, alert):
        return alert.is_overridden
