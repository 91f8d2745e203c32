"""Clinical alerts across orders, read-only: raised by the checks, overridden only through the order's
review page (clinical.services.check_approval), never edited here."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from pharmacy.admin_mixins import ReadOnlyAdminMixin

from .models import OrderAlert


@admin.register(OrderAlert)
class OrderAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created", "order_link", "severity", "kind", "rule_id", "overridden"]
    list_filter = ["severity", "kind", "raised_at_review", ("overridden_by", admin.EmptyFieldListFilter)]
    search_fields = ["order__number", "rule_id"]
    list_select_related = ["order"]
    readonly_fields = [field.name for field in OrderAlert._meta.fields]

    @admin.display(description="Order")
    def order_link(self, alert):
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_review", args=[alert.order_id]),
                           alert.order.number)

    @admin.display(boolean=True, description="Overridden")
    def overridden(self, alert):
        return alert.is_overridden
