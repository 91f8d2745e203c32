"""Admin for stock batches, with a warning about placeholder (pre-batch) stock."""

from django.contrib import admin, messages

from ..models import LEGACY_BATCH_NUMBER, StockBatch
from .mixins import BumpsCatalogVersion


class PlaceholderBatchFilter(admin.SimpleListFilter):
    """Stock from before batches sits in a LEGACY placeholder: no real batch number for a recall to find."""

    title = "placeholder (LEGACY) stock"
    parameter_name = "legacy"

    def lookups(self, request, model_admin):
        return [("yes", "LEGACY placeholder"), ("no", "Real batches")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(batch_number=LEGACY_BATCH_NUMBER)
        if self.value() == "no":
            return queryset.exclude(batch_number=LEGACY_BATCH_NUMBER)
        return queryset


LEGACY_WARNING = (
    "{count} pack(s) still hold stock in a LEGACY placeholder batch. It has no real batch number or expiry, "
    "so a recall cannot find who received it: pharmacy and prescription-only medicines are never dispatched "
    "from it. Count each pack's real batches (Packs › Set stock, or an import with batch_number and "
    "expiry_date) and set the LEGACY batch to 0."
)


@admin.register(StockBatch)
class StockBatchAdmin(BumpsCatalogVersion, admin.ModelAdmin):
    """Batches are read here; units change by stock take (Packs › Set stock), dispatch and recall
    (Orders › Batches supplied › Recall)."""

    list_display = (
        "pack",
        "batch_number",
        "placeholder",
        "expiry_date",
        "quantity_on_hand",
        "usable",
        "recalled",
        "recalled_at",
    )
    list_filter = (PlaceholderBatchFilter, "recalled", "expiry_date")
    list_select_related = ("pack__product",)
    search_fields = ("batch_number", "pack__sku", "pack__product__name")
    readonly_fields = (
        "pack",
        "batch_number",
        "expiry_date",
        "quantity_on_hand",
        "recalled",
        "recalled_at",
        "recall_reason",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description="Sellable")
    def usable(self, batch):
        return batch.is_usable

    @admin.display(boolean=True, description="LEGACY placeholder")
    def placeholder(self, batch):
        return batch.batch_number == LEGACY_BATCH_NUMBER

    def changelist_view(self, request, extra_context=None):
        count = (
            StockBatch.objects.filter(batch_number=LEGACY_BATCH_NUMBER, quantity_on_hand__gt=0)
            .values("pack_id")
            .distinct()
            .count()
        )
        if count:
            messages.warning(request, LEGACY_WARNING.format(count=count))
        return super().changelist_view(request, extra_context)
