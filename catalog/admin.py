"""Catalog admin for pharmacy staff.

Stock and publication change only through catalog.services (stock take, publish, draft); prices and
stock are read-only on existing packs, and a published leaflet revision is shown read-only because it
never changes: order lines point at it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from pharmacy.admin_mixins import ReadOnlyAdminMixin
from pharmacy.exceptions import DomainError
from pharmacy.images import SafeImageField

from .cache import bump_catalog_version
from .models import (
    LEAFLET_SECTION_ORDER,
    LEGACY_BATCH_NUMBER,
    Category,
    ConsultationQuestion,
    ConsultationQuestionnaire,
    ControlledDrugSchedule,
    ImportRun,
    Ingredient,
    LeafletRevision,
    LeafletSection,
    LeafletSectionKey,
    LegalCategory,
    Pack,
    Product,
    ProductReclassification,
    ProductSynonym,
    StockBatch,
    Strength,
)
from .reclassification import may_reclassify, reclassify_product
from .services import (
    create_leaflet_draft,
    publish_leaflet_revision,
    record_stock_take,
    refresh_search_documents,
    set_price,
)

# --- Categories and ingredients ----------------------------------------------------------------------


class BumpsCatalogVersion:
    """Admin saves and deletes change what shoppers see: each one bumps the catalog cache version
    (catalog/cache.py) next to the write. The admin's own transaction makes the after-commit bump fire
    once the change is visible."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_catalog_version()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        bump_catalog_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_catalog_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_catalog_version()



@admin.register(Category)
class CategoryAdmin(BumpsCatalogVersion, admin.ModelAdmin):
    list_display = ("name", "slug", "product_count")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description="Products", ordering="product_count")
    def product_count(self, category):
        return category.product_count


@admin.register(Ingredient)
class IngredientAdmin(BumpsCatalogVersion, admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:  # a renamed ingredient changes what search finds
            refresh_search_documents(product_ids=Product.objects.filter(packs__strengths__ingredient=obj)
                                     .values_list("pk", flat=True).distinct())


# --- Products and packs ------------------------------------------------------------------------------


class ProductAdminForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["name", "slug", "description", "indications", "categories", "is_active", "legal_category",
                  "controlled_drug_schedule", "atc_code", "dosage_form", "route", "minimum_age"]

    def clean(self):
        cleaned = super().clean()
        # The database constraint enforces this too; here it gets a message staff can act on.
        schedule, category = cleaned.get("controlled_drug_schedule"), cleaned.get("legal_category")
        if schedule is not None and schedule != 5 and category and category != LegalCategory.PRESCRIPTION:
            self.add_error("controlled_drug_schedule", (
                f"Schedule {schedule} controlled drugs are prescription-only: choose "
                f"“{LegalCategory.PRESCRIPTION.label}” as the legal category, or clear the schedule."
            ))
        return cleaned


class PackInline(admin.TabularInline):
    """A summary of the product's packs; each pack is added and edited on its own page (strengths,
    stock take), so this inline adds, edits and deletes nothing."""

    model = Pack
    verbose_name_plural = "packs (add and edit them under Catalog › Packs)"
    fields = ("sku", "display_name", "gtin", "price", "available", "max_per_order", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).with_details().with_availability()

    @admin.display(description="Available")
    def available(self, pack):
        return pack.available_quantity

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="Pack")
    def display_name(self, pack):
        return pack.display_name

    @admin.display(description="Price")
    def price(self, pack):
        return str(pack.price)


class ReclassifyForm(forms.Form):
    legal_category = forms.ChoiceField(choices=LegalCategory.choices)
    controlled_drug_schedule = forms.TypedChoiceField(
        choices=[("", "Not a controlled drug"), *ControlledDrugSchedule.choices], coerce=int,
        empty_value=None, required=False,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text="Why, with the source (e.g. MHRA reclassification notice).")


class ProductReclassificationInline(admin.TabularInline):
    """The product's reclassification history: read-only, never deleted."""

    model = ProductReclassification
    fields = ("created_at", "actor", "source", "old_legal_category", "new_legal_category",
              "old_controlled_drug_schedule", "new_controlled_drug_schedule", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "reclassification history"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProductSynonymInline(admin.TabularInline):
    """Brands and other names search finds the product by: Lioresal, acetaminophen."""

    model = ProductSynonym
    fields = ("name",)
    extra = 1


@admin.register(Product)
class ProductAdmin(BumpsCatalogVersion, admin.ModelAdmin):
    form = ProductAdminForm
    list_display = ("name", "legal_category", "prescription_required", "controlled_drug_schedule",
                    "dosage_form", "is_active")
    list_filter = ("legal_category", "categories", "dosage_form", "is_active")
    search_fields = ("name", "synonyms__name", "packs__strengths__ingredient__name", "packs__sku", "packs__gtin",
                     "packs__pzn")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("categories",)
    readonly_fields = ("prescription_required", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "indications", "categories", "is_active")}),
        ("Regulation", {"fields": ("legal_category", "prescription_required", "controlled_drug_schedule",
                                   "reclassify_link", "atc_code", "minimum_age")}),
        ("Form", {"fields": ("dosage_form", "route")}),
        ("VAT", {"fields": ("vat_rate",)}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = [ProductSynonymInline, PackInline, ProductReclassificationInline]

    def get_readonly_fields(self, request, obj=None):
        # Legal category and schedule are set when a product is added; after that they change only
        # through the audited reclassification (catalog.reclassification), never by editing the form.
        if obj is None:
            return self.readonly_fields
        return (*self.readonly_fields, "legal_category", "controlled_drug_schedule", "reclassify_link")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return [(name, {**opts, "fields": [f for f in opts["fields"] if f != "reclassify_link"]})
                    for name, opts in fieldsets]
        return fieldsets

    @admin.display(boolean=True, description="Prescription required")
    def prescription_required(self, product):
        return product.prescription_required

    @admin.display(description="Reclassify")
    def reclassify_link(self, product):
        if product.pk is None:
            return "-"
        url = reverse("admin:catalog_product_reclassify", args=[product.pk])
        return format_html('<a class="button" href="{}">Change legal category or schedule…</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.reclassify_view)
        return [path("<int:product_id>/reclassify/", view, name="catalog_product_reclassify")] + super().get_urls()

    def reclassify_view(self, request, product_id: int):
        """The audited change of legal category and controlled-drug schedule (superintendents only)."""
        product = get_object_or_404(Product, pk=product_id)
        if not self.has_view_permission(request, product):
            raise Http404
        form = ReclassifyForm(request.POST or None, initial={
            "legal_category": product.legal_category, "controlled_drug_schedule": product.controlled_drug_schedule,
        })
        if request.method == "POST" and form.is_valid():
            try:
                reclassify_product(
                    product=product, legal_category=form.cleaned_data["legal_category"],
                    schedule=form.cleaned_data["controlled_drug_schedule"], actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
            else:
                self.message_user(request, f"{product.name} reclassified; the change is recorded.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:catalog_product_change", args=[product.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reclassify {product.name}",
            "opts": self.model._meta,
            "product": product,
            "form": form,
            "may_reclassify": may_reclassify(request.user),
        }
        return TemplateResponse(request, "admin/catalog/product/reclassify.html", context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        refresh_search_documents(product_ids=[form.instance.pk])  # name, uses, also-known-as names


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
                    min_value=0, max_value=10_000_000, initial=batch.quantity_on_hand, show_hidden_initial=True,
                )
            self.fields[f"new_number_{pack.pk}"] = forms.CharField(
                label=f"{pack.sku}: {pack.display_name} — new batch number", required=False, max_length=40)
            self.fields[f"new_expiry_{pack.pk}"] = forms.DateField(
                label="expiry date (YYYY-MM-DD)", required=False)
            self.fields[f"new_count_{pack.pk}"] = forms.IntegerField(
                label="units", required=False, min_value=0, max_value=10_000_000)

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
                counts.append((pack, self.cleaned_data[f"new_number_{pack.pk}"],
                               self.cleaned_data[f"new_count_{pack.pk}"], self.cleaned_data[f"new_expiry_{pack.pk}"]))
        return counts


class PackAddForm(forms.ModelForm):
    """A new pack with its opening stock: the first batch's number, expiry and units (optional)."""

    opening_batch_number = forms.CharField(required=False, max_length=40)
    opening_expiry_date = forms.DateField(required=False, help_text="YYYY-MM-DD")
    opening_quantity = forms.IntegerField(required=False, min_value=0, max_value=10_000_000)

    class Meta:
        model = Pack
        fields = ["product", "sku", "gtin", "pack_size", "pack_unit", "price_amount", "currency",
                  "max_per_order", "is_active", "image"]

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
            record_stock_take(pack=obj, batch_number=form.cleaned_data["opening_batch_number"],
                              expiry_date=form.cleaned_data["opening_expiry_date"],
                              quantity=form.cleaned_data["opening_quantity"])

    def get_fields(self, request, obj=None):
        if obj is None:  # a new pack starts with its price and opening stock (its first batch)
            return ("product", "sku", "gtin", "pzn", "pack_size", "pack_unit", "price_amount", "currency",
                    "opening_batch_number", "opening_expiry_date", "opening_quantity",
                    "max_per_order", "is_active", "image")
        return ("product", "sku", "gtin", "pzn", "pack_size", "pack_unit", "price_amount", "currency", "stock",
                "max_per_order", "is_active", "image", "created_at", "updated_at")

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
        return format_html('{} ({}) <a href="{}">Set stock</a> · <a href="{}">Batches</a>',
                           pack.available_quantity, pack.allocated_quantity, url, batches)

    def get_urls(self):
        return [
            path("set-stock/", self.admin_site.admin_view(self.set_stock_view),
                 name="catalog_pack_set_stock"),
            path("<int:pack_id>/set-price/", self.admin_site.admin_view(self.set_price_view),
                 name="catalog_pack_set_price"),
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
                        record_stock_take(pack=pack, batch_number=batch_number, quantity=quantity,
                                          expiry_date=expiry_date)
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                self.message_user(request, f"Stock counted for {len(changed)} batch(es).", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:catalog_pack_changelist"))
        return TemplateResponse(request, "admin/catalog/pack/pack_action_form.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Set stock",
            "form": form,
        })

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
        return TemplateResponse(request, "admin/catalog/pack/pack_action_form.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Change the price of {pack.display_name}",
            "form": form,
            "intro": f"The price applies to orders placed from now on; orders already placed keep theirs. "
                     f"Currency: {pack.currency}.",
            "submit_label": "Save price",
        })


class SetPriceForm(forms.Form):
    price_amount = forms.DecimalField(label="New price", max_digits=12, decimal_places=2, min_value=0)


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

    list_display = ("pack", "batch_number", "placeholder", "expiry_date", "quantity_on_hand", "usable", "recalled",
                    "recalled_at")
    list_filter = (PlaceholderBatchFilter, "recalled", "expiry_date")
    list_select_related = ("pack__product",)
    search_fields = ("batch_number", "pack__sku", "pack__product__name")
    readonly_fields = ("pack", "batch_number", "expiry_date", "quantity_on_hand", "recalled", "recalled_at",
                       "recall_reason", "created_at", "updated_at")

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
        count = (StockBatch.objects.filter(batch_number=LEGACY_BATCH_NUMBER, quantity_on_hand__gt=0)
                 .values("pack_id").distinct().count())
        if count:
            messages.warning(request, LEGACY_WARNING.format(count=count))
        return super().changelist_view(request, extra_context)


# --- Leaflets ----------------------------------------------------------------------------------------


class LeafletStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("draft", "Draft"), ("published", "Published")]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True)
        if self.value() == "published":
            return queryset.filter(published_at__isnull=False)
        return queryset


def _is_published(revision) -> bool:
    return revision is not None and revision.pk is not None and revision.is_published


class LeafletSectionInline(admin.StackedInline):
    model = LeafletSection
    fields = ("key", "heading", "body")
    extra = 0

    def get_extra(self, request, obj=None, **kwargs):
        return len(LeafletSectionKey.values) if obj is None else 0  # a new draft offers all six sections

    def has_add_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_delete_permission(request, obj)


@admin.register(LeafletRevision)
class LeafletRevisionAdmin(BumpsCatalogVersion, admin.ModelAdmin):
    list_display = ("product", "number", "revised_on", "is_published", "published_at")
    list_select_related = ("product",)
    list_filter = (LeafletStatusFilter,)
    search_fields = ("product__name",)
    ordering = ("product__name", "-number")
    autocomplete_fields = ("product",)
    inlines = [LeafletSectionInline]
    actions = ["publish", "draft_from"]

    def get_fields(self, request, obj=None):
        if obj is None:  # the number is the service's to give
            return ("product", "revised_on")
        return ("product", "number", "revised_on", "published_at", "created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.is_published:
            return self.get_fields(request, obj)
        return ("product", "number", "published_at", "created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        # A published revision is viewable, never editable; the model refuses it too.
        return not _is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_published(obj) and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # The bulk delete runs a queryset delete that would bypass the published-revision guard.
        actions.pop("delete_selected", None)
        return actions

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj.pk is None and isinstance(inline, LeafletSectionInline):
            kwargs["initial"] = [{"key": key, "heading": f"{index}. {label}"}
                                 for index, (key, label) in enumerate(LeafletSectionKey.choices, start=1)]
        return kwargs

    @admin.display(boolean=True, description="Published")
    def is_published(self, revision):
        return revision.is_published

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        draft = create_leaflet_draft(product=obj.product, revised_on=obj.revised_on, user=request.user)
        # The admin saves the inline sections against `obj`, so it becomes the draft the service made.
        obj.pk, obj.number = draft.pk, draft.number
        obj.created_by, obj.created_at = draft.created_by, draft.created_at
        obj._state.adding = False

    def save_formset(self, request, form, formset, change):
        sections = formset.save(commit=False)
        for section in formset.deleted_objects:
            section.delete()
        for section in sections:
            section.position = LEAFLET_SECTION_ORDER[section.key]  # sections always print in the QRD order
            section.save()

    @admin.action(description="Publish the selected drafts", permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        for revision in queryset.select_related("product").order_by("pk"):
            try:
                publish_leaflet_revision(revision=revision)
            except DomainError as refusal:
                refused = f"{revision.product}, revision {revision.number}: {refusal.message}"
                self.message_user(request, refused, messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(request, f"Published {published} revision(s).", messages.SUCCESS)

    @admin.action(description="Draft a new revision from this one", permissions=["add"])
    def draft_from(self, request, queryset):
        for revision in queryset.select_related("product").order_by("pk"):
            draft = create_leaflet_draft(product=revision.product, revised_on=timezone.localdate(),
                                         based_on=revision, user=request.user)
            url = reverse("admin:catalog_leafletrevision_change", args=[draft.pk])
            self.message_user(request, format_html(
                'Drafted <a href="{}">revision {} of {}</a> from revision {}; edit it, then publish it.',
                url, draft.number, revision.product, revision.number,
            ), messages.SUCCESS)


# --- Consultation questions (pharmacy-only medicines) ------------------------------------------------


class ConsultationQuestionInline(admin.TabularInline):
    model = ConsultationQuestion
    fields = ("position", "text", "help_text", "answer_type", "choices", "required")
    extra = 1


@admin.register(ConsultationQuestionnaire)
class ConsultationQuestionnaireAdmin(admin.ModelAdmin):
    """The questions checkout asks for a pharmacy-only (P) medicine: attach a questionnaire to products, or
    to categories to cover a group of products. Order lines keep the text as asked, so editing is safe."""

    list_display = ("name", "is_active", "question_count")
    list_filter = ("is_active",)
    search_fields = ("name", "products__name", "questions__text")
    filter_horizontal = ("products", "categories")
    inlines = [ConsultationQuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description="Questions", ordering="question_total")
    def question_count(self, questionnaire):
        return questionnaire.question_total


# --- Import runs ---------------------------------------------------------------------------------------


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What `import_catalog` did and when: read-only, written by the command."""

    list_display = ("finished_at", "file_name", "outcome", "rows", "problems", "products_created",
                    "products_updated", "packs_created", "packs_updated")
    list_filter = ("outcome", "finished_at")
    search_fields = ("file_name",)
    date_hierarchy = "finished_at"

