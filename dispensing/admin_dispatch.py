"""The staff's dispatch queues in the admin: approved orders with the release conditions each still
misses (the release gate, release_gate.py), and the "cannot supply" queue, where staff supply
less or cancel and refund (supply.py). These views bind forms and call the services."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts.restriction import RestrictedRecordsAdminMixin
from orders.models import LineDecision, Order, OrderStatus
from orders.services import may_change_orders
from pharmacy.exceptions import DomainError

from .approval import dispatch_order
from .models import OrderAwaitingDispatch, OrderCannotSupply
from .release_gate import BLOCKER_LABELS, blocker_label, release_blockers
from .supply import cancel_and_refund, supply_less

MISSING_FILTER_LIMIT = 500  # the approved orders the condition filter looks at (a queue, not an archive)


def _blockers_column(order) -> str:
    blockers = release_blockers(order)
    if not blockers:
        return format_html("<strong>{}</strong>", "Ready to dispatch")
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "", '<li title="{}">{}</li>', ((blocker.message, blocker_label(blocker.code)) for blocker in blockers)
        ),
    )


class MissingConditionFilter(admin.SimpleListFilter):
    """Orders ready to dispatch, or missing one release condition (asked of the gate, order by order)."""

    title = "release condition missing"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("none", "None: ready to dispatch"), *BLOCKER_LABELS.items()]

    def queryset(self, request, queryset):
        wanted = self.value()
        if not wanted:
            return queryset
        matching = []
        for order in queryset.order_by("pk")[:MISSING_FILTER_LIMIT]:
            codes = {blocker.code for blocker in release_blockers(order)}
            if (wanted == "none" and not codes) or wanted in codes:
                matching.append(order.pk)
        return queryset.filter(pk__in=matching)


class _QueueAdmin(RestrictedRecordsAdminMixin, admin.ModelAdmin):
    """A view of approved orders: read-only pages; the change-orders permission gates the actions."""

    list_select_related = ("prescription",)
    search_fields = ("number", "email", "full_name")
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and may_change_orders(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Still missing")
    def missing_conditions(self, order):
        return _blockers_column(order)

    @admin.display(description="")
    def order_link(self, order):
        return format_html('<a href="{}">Order</a>', reverse("admin:orders_order_change", args=[order.pk]))


@admin.register(OrderAwaitingDispatch)
class OrderAwaitingDispatchAdmin(_QueueAdmin):
    """Approved orders, oldest first, each with the release conditions it still misses."""

    list_display = ("number", "created_at", "full_name", "missing_conditions", "review_deadline", "order_link")
    list_filter = (MissingConditionFilter,)
    ordering = ("created_at", "pk")
    actions = ["dispatch_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=OrderStatus.APPROVED)

    @admin.action(description="Dispatch selected orders (through the release gate)", permissions=["change"])
    def dispatch_selected(self, request, queryset):
        dispatched = 0
        for order in queryset:
            try:
                dispatch_order(order=order, actor=request.user)
                dispatched += 1
            except DomainError as refusal:
                self.message_user(request, f"{order.number}: {refusal.message}", messages.ERROR)
        if dispatched:
            self.message_user(request, f"{dispatched} order(s) dispatched.", messages.SUCCESS)


class CancelAndRefundForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the order's history for staff, e.g. \"The batch was recalled and "
        'no other stock is available." The shopper gets our standard message.',
    )


class SupplyLessForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the order's history for staff; the shopper is e-mailed the items not sent.",
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                min_value=0,
                max_value=line.quantity_supplied,
                initial=line.quantity_supplied,
                label=f"{line.description} (ordered {line.quantity})",
                help_text="Packs to send now.",
            )

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.lines}


@admin.register(OrderCannotSupply)
class OrderCannotSupplyAdmin(_QueueAdmin):
    """Approved orders the gate refuses for a reason time will not fix; cancelled and refunded at their
    deadline unless staff supply less or cancel first."""

    list_display = (
        "number",
        "cannot_supply_since",
        "review_deadline",
        "full_name",
        "cannot_supply_reason",
        "supply_less_link",
    )
    ordering = ("review_deadline", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=OrderStatus.APPROVED, cannot_supply_since__isnull=False)

    @admin.display(description="")
    def supply_less_link(self, order):
        url = reverse("admin:dispensing_ordercannotsupply_resolve", args=[order.pk])
        return format_html('<a class="button" href="{}">Supply less or cancel</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.resolve_view)
        return [path("<int:order_id>/resolve/", view, name="dispensing_ordercannotsupply_resolve"), *super().get_urls()]

    def resolve_view(self, request, order_id: int):
        """One order: send what can be sent (the rest refunded), or cancel it and refund everything."""
        order = get_object_or_404(Order.objects.select_related("prescription"), pk=order_id)
        if not self.has_view_permission(request):
            raise Http404
        lines = list(order.lines.exclude(decision=LineDecision.REFUSED).order_by("pk"))
        supply_form = SupplyLessForm(prefix="supply", lines=lines)
        cancel_form = CancelAndRefundForm(prefix="cancel")
        if request.method == "POST":
            try:
                if "_supply_less" in request.POST:
                    supply_form = SupplyLessForm(request.POST, prefix="supply", lines=lines)
                    if supply_form.is_valid():
                        supply_less(
                            order=order,
                            actor=request.user,
                            quantities=supply_form.quantities(),
                            reason=supply_form.cleaned_data["reason"],
                        )
                        self.message_user(
                            request,
                            f"Order {order.number} dispatched in part; the shortfall is refunded.",
                            messages.SUCCESS,
                        )
                        return HttpResponseRedirect(reverse("admin:dispensing_ordercannotsupply_changelist"))
                elif "_cancel" in request.POST:
                    cancel_form = CancelAndRefundForm(request.POST, prefix="cancel")
                    if cancel_form.is_valid():
                        cancel_and_refund(order=order, actor=request.user, reason=cancel_form.cleaned_data["reason"])
                        self.message_user(
                            request, f"Order {order.number} cancelled; the payment is refunded.", messages.SUCCESS
                        )
                        return HttpResponseRedirect(reverse("admin:dispensing_ordercannotsupply_changelist"))
            except DomainError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Order {order.number} cannot be supplied",
            "opts": self.model._meta,
            "order": order,
            "blockers": release_blockers(order) if order.status == OrderStatus.APPROVED else [],
            "supply_form": supply_form,
            "cancel_form": cancel_form,
        }
        return TemplateResponse(request, "admin/dispensing/ordercannotsupply/resolve.html", context)
