"""Admin for packs: strengths, stock takes and prices."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from pharmacy.exceptions import DomainError
from pharmacy.images import SafeImageField

from ..models import Pack, Strength
from ..services import record_stock_take, refresh_search_documents, set_price
from .mixins import BumpsCatalogVersion


class StrengthInline(admin.TabularInline):
    model = Strength
    fields = ("ingredient", "amount", "unit", "per_amount", "per_unit", "position")
    autocomplete_fields = ("ingredient",)
    extra = 0


class SetStockForm(forms.Form):
    """A stock take per batch: one field per batch with the units counted on the shelf, and per pack one
    optional new batch (number, expiry, units). Only counts the user changed are written. Allocations
    are never entered here: units allocated to undispatched orders are on the shelf and counted."""

    def __init__(self, *args, packs, **kwargs):
        super().__init__(*args, **kwargs)
        self.packs = list(packs)
        self.batches = {pack.pk: list(pack.batches.order_by("expiry_date", "pk")) for pack in self.packs}
        for pack in self.packs:
            for batch in self.batches[pack.pk]:
                state = " RECALLED" if batch.recalled else ""
                self.fields[f"batch_{batch.pk}"] = forms.IntegerField(
                    label=f"{pack.sku} batch {batch.batch_number} (exp. {batch.expiry_date:%Y-%m-%d}){state}",
                    min_value=0,
                    max_value=10_000_000,
                    initial=batch.quantity_on_hand,
                    show_hidden_initial=True,
                )
            self.fields[f"new_number_{pack.pk}"] = forms.CharField(
                label=f"{pack.sku}: {pack.display_name} — new batch number", required=False, max_length=40
            )
            self.fields[f"new_expiry_{pack.pk}"] = forms.DateField(label="expiry date (YYYY-MM-DD)", required=False)
            self.fields[f"new_count_{pack.pk}"] = forms.IntegerField(
                label="units", required=False, min_value=0, max_value=10_000_000
            )

    def clean(self):
        cleaned = super().clean()
        for pack in self.packs:
            names = [f"new_number_{pack.pk}", f"new_expiry_{pack.pk}", f"new_count_{pack.pk}"]
            given = [cleaned.get(name) not in (None, "") for name in names]
            if any(given) and not all(given):
                for name, present in zip(names, given, strict=True):
                    if not present and name not in self.errors:
                        self.add_error(name, "A new batch needs its number, expiry date and units.")
        return cleaned

    def changed_counts(self) -> list[tuple[Pack, str, int, object]]:
        """(pack, batch number, units, expiry date or None) for each count to record."""
        counts = []
        for pack in self.packs:
            for batch in self.batches[pack.pk]:
                if f"batch_{batch.pk}" in self.changed_data:
                    counts.append((pack, batch.batch_number, self.cleaned_data[f"batch_{batch.pk}"], None))
            if self.cleaned_data.get(f"new_number_{pack.pk}"):
                counts.append(
                    (
                        pack,
                        self.cleaned_data[f"new_number_{pack.pk}"],
                        self.cleaned_data[f"new_count_{pack.pk}"],
                        self.cleaned_data[f"new_expiry_{pack.pk}"],
                    )
                )
        return counts


class PackAddForm(forms.ModelForm):
    """A new pack with its opening stock: the first batch's number, expiry and units (optional)."""

    opening_batch_number = forms.CharField(required=False, max_length=40)
    opening_expiry_date = forms.DateField(required=False, help_text="YYYY-MM-DD")
    opening_quantity = forms.IntegerField(required=False, min_value=0, max_value=10_000_000)

    class Meta:
        model = Pack
        fields = [
            "product",
            "sku",
            "gtin",
            "pack_size",
            "pack_unit",
            "price_amount",
            "currency",
            "max_per_order",
            "is_active",
            "image",
        ]

    def clean(self):
        cleaned = super().clean()
        names = ["opening_batch_number", "opening_expiry_date", "opening_quantity"]
        given = [cleaned.get(name) not in (None, "") for name in names]
        if any(given) and not all(given):
            for name, present in zip(names, given, strict=True):
                if not present:
                    self.add_error(name, "Opening stock needs the batch number, expiry date and units.")
        return cleaned


@admin.register(Pack)
class PackAdmin(BumpsCatalogVersion, admin.ModelAdmin):
    list_display = ("sku", "display_name", "gtin", "price", "stock", "max_per_order", "is_active")
    list_filter = ("is_active", "product__legal_category", "product__dosage_form")
    list_select_related = ("product",)
    search_fields = ("sku", "gtin", "pzn", "product__name")
    autocomplete_fields = ("product",)
    inlines = [StrengthInline]
    actions = ["set_stock_of_selected"]
    formfield_overrides = {models.ImageField: {"form_class": SafeImageField}}  # decompression bombs: a clear refusal

    def get_queryset(self, request):
        return super().get_queryset(request).with_details().with_availability()

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = PackAddForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and form.cleaned_data.get("opening_batch_number"):
            record_stock_take(
                pack=obj,
                batch_number=form.cleaned_data["opening_batch_number"],
                expiry_date=form.cleaned_data["opening_expiry_date"],
                quantity=form.cleaned_data["opening_quantity"],
            )

    def get_fields(self, request, obj=None):
        if obj is None:  # a new pack starts with its price and opening stock (its first batch)
            return (
                "product",
                "sku",
                "gtin",
                "pzn",
                "pack_size",
                "pack_unit",
                "price_amount",
                "currency",
                "opening_batch_number",
                "opening_expiry_date",
                "opening_quantity",
                "max_per_order",
                "is_active",
                "image",
            )
        return (
            "product",
            "sku",
            "gtin",
            "pzn",
            "pack_size",
            "pack_unit",
            "price_amount",
            "currency",
            "stock",
            "max_per_order",
            "is_active",
            "image",
            "created_at",
            "updated_at",
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("product", "price_amount", "currency", "stock", "created_at", "updated_at")

    @admin.display(description="Pack")
    def display_name(self, pack):
        return pack.display_name

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_search_documents(product_ids=[form.instance.product_id])  # its ingredients are searched

    def delete_model(self, request, obj):
        product_id = obj.product_id
        super().delete_model(request, obj)
        refresh_search_documents(product_ids=[product_id])

    def delete_queryset(self, request, queryset):
        product_ids = list(queryset.values_list("product_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        refresh_search_documents(product_ids=product_ids)

    @admin.display(description="Price", ordering="price_amount")
    def price(self, pack):
        url = reverse("admin:catalog_pack_set_price", args=[pack.pk])
        return format_html('{} <a href="{}">Change price</a>', str(pack.price), url)

    @admin.display(description="Stock available (allocated)", ordering="stock_available")
    def stock(self, pack):
        url = reverse("admin:catalog_pack_set_stock") + f"?ids={pack.pk}"
        batches = reverse("admin:catalog_stockbatch_changelist") + f"?pack__id__exact={pack.pk}"
        return format_html(
            '{} ({}) <a href="{}">Set stock</a> · <a href="{}">Batches</a>',
            pack.available_quantity,
            pack.allocated_quantity,
            url,
            batches,
        )

    def get_urls(self):
        return [
            path("set-stock/", self.admin_site.admin_view(self.set_stock_view), name="catalog_pack_set_stock"),
            path(
                "<int:pack_id>/set-price/",
                self.admin_site.admin_view(self.set_price_view),
                name="catalog_pack_set_price",
            ),
            *super().get_urls(),
        ]

    @admin.action(description="Set stock of the selected packs (stock take)", permissions=["change"])
    def set_stock_of_selected(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.order_by("pk").values_list("pk", flat=True))
        return HttpResponseRedirect(reverse("admin:catalog_pack_set_stock") + f"?ids={ids}")

    def set_stock_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = [int(pk) for pk in request.GET.get("ids", "").split(",") if pk.isdigit()]
        packs = Pack.objects.with_details().filter(pk__in=ids).order_by("product__name", "pk")
        form = SetStockForm(request.POST or None, packs=packs)
        if request.method == "POST" and form.is_valid():
            changed = form.changed_counts()
            try:
                with transaction.atomic():
                    for pack, batch_number, quantity, expiry_date in changed:
                        record_stock_take(
                            pack=pack, batch_number=batch_number, quantity=quantity, expiry_date=expiry_date
                        )
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                self.message_user(request, f"Stock counted for {len(changed)} batch(es).", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:catalog_pack_changelist"))
        return TemplateResponse(
            request,
            "admin/catalog/pack/pack_action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Set stock",
                "form": form,
            },
        )

    def set_price_view(self, request, pack_id: int):
        if not self.has_change_permission(request):
            raise PermissionDenied
        pack = get_object_or_404(Pack.objects.with_details(), pk=pack_id)
        form = SetPriceForm(request.POST or None, initial={"price_amount": pack.price_amount})
        if request.method == "POST" and form.is_valid():
            try:
                set_price(pack=pack, amount=form.cleaned_data["price_amount"])
            except DomainError as refusal:
                form.add_error("price_amount", refusal.message)
            else:
                self.message_user(request, f"{pack.display_name} now costs {pack.price}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:catalog_pack_changelist"))
        return TemplateResponse(
            request,
            "admin/catalog/pack/pack_action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Change the price of {pack.display_name}",
                "form": form,
                "intro": f"The price applies to orders placed from now on; orders already placed keep theirs. "
                f"Currency: {pack.currency}.",
                "submit_label": "Save price",
            },
        )


class SetPriceForm(forms.Form):
    price_amount = forms.DecimalField(label="New price", max_digits=12, decimal_places=2, min_value=0)
