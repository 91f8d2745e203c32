"""Staff admin of the order record. Orders are never edited field by field: every change is a service
call (delivery, cancellation here; review and dispatch are added by dispensing's admin, which extends
these classes), so the admin cannot skip a rule the shop enforces."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from accounts.restriction import RestrictedRecordsAdminMixin
from notifications.models import OutboxMessage
from payments.admin import PaymentInline
from pharmacy.exceptions import DomainError
from safeguards.admin import FlaggedOrderFilter, OrderFlagInline

from .models import Order, OrderEvent, OrderLine
from .services import cancel_order, mark_order_delivered


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("description", "sku", "legal_category", "quantity", "unit_price_amount", "vat_rate", "vat_amount",
              "leaflet_revision", "decision", "decision_reason", "decided_by", "decided_at")
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


class OutboxMessageInline(ReadOnlyInline):
    model = OutboxMessage
    fields = ("kind_shown", "recipient", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields

    @admin.display(description="kind")
    def kind_shown(self, obj: OutboxMessage) -> str:
        return obj.kind_label


def run_order_service(modeladmin, request, queryset, service, done: str, **kwargs):
    succeeded = 0
    for order in queryset:
        try:
            service(order=order, actor=request.user, **kwargs)
            succeeded += 1
        except DomainError as refusal:
            modeladmin.message_user(request, f"{order.number}: {refusal.message}", messages.ERROR)
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} order(s) {done}.", messages.SUCCESS)


@admin.register(Order)
class OrderAdmin(RestrictedRecordsAdminMixin, admin.ModelAdmin):
    list_display = ("number", "created_at", "email", "status", "requires_prescription", "total_amount", "currency")
    list_filter = ("status", "requires_prescription", FlaggedOrderFilter, "created_at")
    date_hierarchy = "created_at"
    search_fields = ("number", "email", "full_name", "postcode")
    list_select_related = ("user",)
    ordering = ("-created_at",)
    inlines = [OrderFlagInline, OrderLineInline, PaymentInline, OrderEventInline, OutboxMessageInline]
    actions = ["mark_delivered_selected", "cancel_selected"]
    readonly_fields = [
        "number", "user", "status", "prescription_link", "prescription_approved_by",
        "prescription_approved_at", "approved_by_registration",
        "email", "full_name", "phone", "address_line1", "address_line2", "city",
        "postcode", "country", "currency", "total_amount", "requires_prescription", "created_at", "updated_at",
        "requires_pharmacist", "released_by", "review_deadline", "patient_name", "patient_date_of_birth",
        "patient_is_account_holder",
        "subtotal_amount", "delivery_method", "delivery_method_name", "delivery_amount", "delivery_vat_amount",
        "vat_amount",
    ]
    fieldsets = (
        (None, {"fields": ("number", "status", "user", "created_at", "updated_at",
                           "requires_pharmacist", "released_by", "review_deadline")}),
        ("Patient", {"fields": ("patient_name", "patient_date_of_birth", "patient_is_account_holder")}),
        ("Prescription", {"fields": ("requires_prescription", "prescription_link", "prescription_approved_by",
                                     "prescription_approved_at", "approved_by_registration")}),
        ("Delivery and contact", {"fields": ("full_name", "email", "phone", "address_line1", "address_line2",
                                             "city", "postcode", "country")}),
        ("Totals (including VAT)", {"fields": ("subtotal_amount", "delivery_method_name", "delivery_method",
                                               "delivery_amount", "delivery_vat_amount", "vat_amount",
                                               "total_amount", "currency")}),
    )

    def has_add_permission(self, request):
        return False  # orders come from checkout only

    def has_change_permission(self, request, obj=None):
        """The change permission gates the actions (dispatch, deliver, cancel); one order's page has no
        editable field, so it is read-only for everyone: no Save button, and a POST is refused."""
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # an order is a legal record; cancel it instead

    @admin.display(description="Prescription")
    def prescription_link(self, order):
        if not order.prescription_id:
            return "-"
        url = reverse("admin:prescriptions_prescription_change", args=[order.prescription_id])
        return format_html('<a href="{}">Prescription {}</a>', url, order.prescription_id)

    @admin.action(description="Mark selected orders delivered", permissions=["change"])
    def mark_delivered_selected(self, request, queryset):
        run_order_service(self, request, queryset, mark_order_delivered, "marked delivered")

    @admin.action(description="Cancel selected orders (stock is returned)", permissions=["change"])
    def cancel_selected(self, request, queryset):
        run_order_service(self, request, queryset, cancel_order, "cancelled")
