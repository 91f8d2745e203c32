"""Admin for the batches supplied on orders, and the Recall screen: mark batches of a pack recalled
(blocked from further dispatch) and list every patient who received them, as a page and as CSV.
The rules are in batches.py and catalog.services; these views only bind forms."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from catalog.models import Pack
from orders.models import OrderLineBatch
from pharmacy.admin_mixins import ReadOnlyAdminMixin
from pharmacy.exceptions import DomainError

from .batches import list_batch_recipients, recall_pack_batches, recall_recipients_csv


def _batch_numbers(text: str) -> list[str]:
    return [number for number in (part.strip() for part in text.replace(",", "\n").splitlines()) if number]


class RecallForm(forms.Form):
    pack = forms.CharField(max_length=40, label="Pack SKU", help_text="e.g. BAC-10-84")
    batch_numbers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or more batch numbers, separated by commas or new lines.",
    )
    reason = forms.CharField(max_length=500, help_text="e.g. MHRA drug alert EL(26)A/01, Class 2.")

    def clean_pack(self):
        pack = Pack.objects.filter(sku=self.cleaned_data["pack"].strip().upper()).first()
        if pack is None:
            raise forms.ValidationError("No pack has this SKU.")
        return pack

    def clean_batch_numbers(self):
        return _batch_numbers(self.cleaned_data["batch_numbers"])


@admin.register(OrderLineBatch)
class OrderLineBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which batch went to which order: written by dispatch, never edited."""

    list_display = ("order_number", "patient", "sku", "batch_number", "expiry_date", "quantity", "dispatched_at")
    list_select_related = ("order_line__order",)
    search_fields = ("batch_number", "order_line__sku", "order_line__order__number")
    list_filter = ("dispatched_at",)
    readonly_fields = ("order_line", "batch", "batch_number", "expiry_date", "quantity", "dispatched_at")

    @admin.display(description="Order", ordering="order_line__order__number")
    def order_number(self, row):
        return row.order_line.order.number

    @admin.display(description="Patient")
    def patient(self, row):
        return row.order_line.order.full_name

    @admin.display(description="SKU")
    def sku(self, row):
        return row.order_line.sku

    def get_urls(self):
        return [
            path("recall/", self.admin_site.admin_view(self.recall_view), name="orders_orderlinebatch_recall"),
            path(
                "recall/recipients.csv",
                self.admin_site.admin_view(self.recipients_csv_view),
                name="orders_orderlinebatch_recall_csv",
            ),
            *super().get_urls(),
        ]

    def _check_permission(self, request):
        if not (request.user.has_perm("catalog.change_stockbatch") and self.has_view_permission(request)):
            raise PermissionDenied

    def recall_view(self, request):
        self._check_permission(request)
        form = RecallForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            try:
                result = recall_pack_batches(
                    pack=form.cleaned_data["pack"],
                    batch_numbers=form.cleaned_data["batch_numbers"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as refusal:
                form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        return TemplateResponse(
            request,
            "admin/dispensing/orderlinebatch/recall.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Recall batches",
                "form": form,
                "result": result,
                "csv_query": (
                    f"pack={form.cleaned_data['pack'].sku}&batches=" + ",".join(b.batch_number for b in result.batches)
                )
                if result
                else "",
            },
        )

    def recipients_csv_view(self, request):
        self._check_permission(request)
        pack = Pack.objects.filter(sku=request.GET.get("pack", "")).first()
        if pack is None:
            return HttpResponse("Unknown pack.", status=404, content_type="text/plain")
        numbers = _batch_numbers(request.GET.get("batches", ""))
        body = recall_recipients_csv(list_batch_recipients(pack=pack, batch_numbers=numbers))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="recall-{pack.sku}.csv"'
        return response
