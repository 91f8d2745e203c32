"""Admin for categories, ingredients and products (with their packs, synonyms and reclassifications)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from pharmacy.exceptions import DomainError

from ..models import (
    Category,
    ControlledDrugSchedule,
    Ingredient,
    LegalCategory,
    Pack,
    Product,
    ProductReclassification,
    ProductSynonym,
)
from ..reclassification import may_reclassify, reclassify_product
from ..services import refresh_search_documents
from .mixins import BumpsCatalogVersion


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
            refresh_search_documents(
                product_ids=Product.objects.filter(packs__strengths__ingredient=obj)
                .values_list("pk", flat=True)
                .distinct()
            )


class ProductAdminForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "name",
            "slug",
            "description",
            "indications",
            "categories",
            "is_active",
            "legal_category",
            "controlled_drug_schedule",
            "atc_code",
            "dosage_form",
            "route",
            "minimum_age",
        ]

    def clean(self):
        cleaned = super().clean()
        # The database constraint enforces this too; here it gets a message staff can act on.
        schedule, category = cleaned.get("controlled_drug_schedule"), cleaned.get("legal_category")
        if schedule is not None and schedule != 5 and category and category != LegalCategory.PRESCRIPTION:
            self.add_error(
                "controlled_drug_schedule",
                (
                    f"Schedule {schedule} controlled drugs are prescription-only: choose "
                    f"“{LegalCategory.PRESCRIPTION.label}” as the legal category, or clear the schedule."
                ),
            )
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
        choices=[("", "Not a controlled drug"), *ControlledDrugSchedule.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why, with the source (e.g. MHRA reclassification notice).",
    )


class ProductReclassificationInline(admin.TabularInline):
    """The product's reclassification history: read-only, never deleted."""

    model = ProductReclassification
    fields = (
        "created_at",
        "actor",
        "source",
        "old_legal_category",
        "new_legal_category",
        "old_controlled_drug_schedule",
        "new_controlled_drug_schedule",
        "reason",
    )
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
    list_display = (
        "name",
        "legal_category",
        "prescription_required",
        "controlled_drug_schedule",
        "dosage_form",
        "is_active",
    )
    list_filter = ("legal_category", "categories", "dosage_form", "is_active")
    search_fields = (
        "name",
        "synonyms__name",
        "packs__strengths__ingredient__name",
        "packs__sku",
        "packs__gtin",
        "packs__pzn",
    )
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("categories",)
    readonly_fields = ("prescription_required", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "indications", "categories", "is_active")}),
        (
            "Regulation",
            {
                "fields": (
                    "legal_category",
                    "prescription_required",
                    "controlled_drug_schedule",
                    "reclassify_link",
                    "atc_code",
                    "minimum_age",
                )
            },
        ),
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
            return [
                (name, {**opts, "fields": [f for f in opts["fields"] if f != "reclassify_link"]})
                for name, opts in fieldsets
            ]
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
        form = ReclassifyForm(
            request.POST or None,
            initial={
                "legal_category": product.legal_category,
                "controlled_drug_schedule": product.controlled_drug_schedule,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                reclassify_product(
                    product=product,
                    legal_category=form.cleaned_data["legal_category"],
                    schedule=form.cleaned_data["controlled_drug_schedule"],
                    actor=request.user,
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
