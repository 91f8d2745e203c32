"""Payments in the admin: read-only records (a payment panel on each order), and a refund with a reason
for staff holding payments.refund_payment. Nothing here edits a payment field by field."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.restriction import RestrictedRecordsAdminMixin
from pharmacy.exceptions import DomainError

from .models import Payment, PaymentMovement, PaymentStatus
from .services import refund_payment

PAYMENT_FIELDS = ("created_at", "status", "gateway", "reference", "currency", "amount_authorised",
                  "amount_captured", "amount_refunded", "card_last4", "capture_before", "disputed_at",
                  "failure_message")


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PaymentInline(_ReadOnlyInline):
    """The payment panel on an order's admin page."""

    model = Payment
    fields = (*PAYMENT_FIELDS, "refund_link")
    readonly_fields = fields
    verbose_name_plural = "Payments (authorised, captured, refunded)"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_order")  # whoever sees the order sees its money

    @admin.display(description="Refund")
    def refund_link(self, payment):
        if payment.status != PaymentStatus.CAPTURED:
            return "—"
        return format_html('<a href="{}">Refund…</a>', reverse("admin:payments_payment_refund", args=[payment.pk]))


class PaymentMovementInline(_ReadOnlyInline):
    model = PaymentMovement
    fields = ("created_at", "kind", "amount", "currency", "reference", "actor", "reason")
    readonly_fields = fields


class RefundForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Recorded with the refund, e.g. “Damaged in transit”.")


@admin.register(Payment)
class PaymentAdmin(RestrictedRecordsAdminMixin, admin.ModelAdmin):
    restricted_account_path = "order__user"
    list_display = ("pk", "order", "status", "amount_authorised", "amount_captured", "amount_refunded", "currency",
                    "gateway", "disputed_at", "created_at")
    list_filter = ("status", "gateway", ("disputed_at", admin.EmptyFieldListFilter))
    search_fields = ("order__number", "reference")
    list_select_related = ("order",)
    readonly_fields = ("order", *PAYMENT_FIELDS, "card_fingerprint", "payment_method", "attempt_key")
    inlines = [PaymentMovementInline]
    actions = ["refund_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_refund_permission(self, request):
        return request.user.has_perm("payments.refund_payment")

    @admin.action(description="Refund the selected payment (with a reason)…", permissions=["refund"])
    def refund_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Refund one payment at a time.", messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:payments_payment_refund", args=[queryset.get().pk]))

    def get_urls(self):
        refund = self.admin_site.admin_view(self.refund_view)
        return [path("<int:payment_id>/refund/", refund, name="payments_payment_refund")] + super().get_urls()

    def refund_view(self, request, payment_id: int):
        if not self.has_refund_permission(request):
            raise PermissionDenied
        payment = get_object_or_404(Payment.objects.select_related("order"), pk=payment_id)
        form = RefundForm(request.POST or None, initial={"amount": payment.amount_charged})
        if request.method == "POST" and form.is_valid():
            try:
                refund_payment(payment=payment, amount=form.cleaned_data["amount"], actor=request.user,
                               reason=form.cleaned_data["reason"])
            except DomainError as refusal:
                form.add_error("amount", refusal.message)
            else:
                self.message_user(request, f"Refunded {form.cleaned_data['amount']} {payment.currency} on order "
                                  f"{payment.order.number}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:orders_order_change", args=[payment.order_id]))
        context = {**self.admin_site.each_context(request), "title": f"Refund order {payment.order.number}",
                   "opts": self.model._meta, "payment": payment, "form": form}
        return TemplateResponse(request, "admin/payments/payment/refund.html", context)
