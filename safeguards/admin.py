"""Purchase limits and warning-sign rules are configured here, not in code; flags are read here, and
on the order's own admin page (OrderFlagInline, FlaggedOrderFilter, added by orders.admin)."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html

from accounts.restriction import RestrictedRecordsAdminMixin
from pharmacy.admin_mixins import ReadOnlyAdminMixin

from .models import OrderFlag, PurchaseLimit, WarningSignRule
from .tables import bump_safeguards_version


class BumpsSafeguardsVersion:
    """Every change made here (a form, a list edit, a delete, a bulk delete) reaches the next checkout:
    checkout reads these tables from a cache that the version's bump makes stale."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_safeguards_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_safeguards_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_safeguards_version()


@admin.register(PurchaseLimit)
class PurchaseLimitAdmin(BumpsSafeguardsVersion, admin.ModelAdmin):
    list_display = ("name", "kind", "maximum", "window_days", "ingredient", "atc_prefix", "categories",
                    "enforcement", "is_active")
    list_filter = ("kind", "enforcement", "is_active")
    list_select_related = ("ingredient",)
    search_fields = ("name", "ingredient__name", "atc_prefix")
    fieldsets = (
        (None, {"fields": ("name", "is_active")}),
        ("What it counts", {"fields": ("ingredient", "atc_prefix", "applies_to_general_sale",
                                       "applies_to_pharmacy", "applies_to_prescription")}),
        ("The limit", {"fields": ("kind", "maximum", "window_days", "enforcement")}),
    )

    @admin.display(description="Applies to")
    def categories(self, limit: PurchaseLimit) -> str:
        labels = [label for applies, label in ((limit.applies_to_general_sale, "GSL"),
                                               (limit.applies_to_pharmacy, "P"),
                                               (limit.applies_to_prescription, "POM")) if applies]
        return ", ".join(labels)


@admin.register(WarningSignRule)
class WarningSignRuleAdmin(BumpsSafeguardsVersion, admin.ModelAdmin):
    list_display = ("kind", "accounts", "window_days", "is_active")
    list_editable = ("accounts", "window_days", "is_active")


@admin.register(OrderFlag)
class OrderFlagAdmin(RestrictedRecordsAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    restricted_account_path = "order__user"
    list_display = ("created_at", "order_link", "kind", "message")
    list_filter = ("kind", "created_at")
    search_fields = ("order__number", "message")
    list_select_related = ("order",)
    readonly_fields = ("order", "kind", "message", "details", "created_at")
    date_hierarchy = "created_at"

    @admin.display(description="Order", ordering="order__number")
    def order_link(self, flag: OrderFlag):
        url = reverse("admin:orders_order_change", args=[flag.order_id])
        return format_html('<a href="{}">{}</a>', url, flag.order.number)


class OrderFlagInline(admin.TabularInline):
    """The flags on the order's admin page, read-only: they record what the checks found."""

    model = OrderFlag
    extra = 0
    can_delete = False
    fields = ("kind", "message", "created_at")
    readonly_fields = fields
    verbose_name = "warning flag"
    verbose_name_plural = "warning flags (purchase limits, shared address, phone or card)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FlaggedOrderFilter(admin.SimpleListFilter):
    title = "flagged"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return (("yes", "Flagged"), ("no", "Not flagged"))

    def queryset(self, request, queryset):
        flagged = Exists(OrderFlag.objects.filter(order_id=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(flagged)
        if self.value() == "no":
            return queryset.exclude(flagged)
        return queryset
