"""Storefront catalog pages. Each one reads through a selector and renders; none writes."""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from .cache import cached
from .forms import ProductFilterForm
from .http import conditional_page
from .leaflet_pdf import leaflet_pdf_filename, render_leaflet_pdf
from .models import LeafletRevision, Product
from .pagination import ProductSearchPaginator
from .selectors import (
    annotate_purchase_refusals,
    get_leaflet_revision,
    get_product_for_display,
    list_categories,
    list_products,
    search_products,
)

PRODUCTS_PER_PAGE = 20
FEATURED_PRODUCT_COUNT = 6


@dataclass(frozen=True)
class ProductSummary:
    """What the list keeps of a product once its card is rendered: unpickling 20 products with their
    packs, strengths and ingredients cost more than rendering the page."""

    pk: int
    name: str
    slug: str


@dataclass(frozen=True)
class ProductListPage:
    """One page of the storefront list as plain data, cacheable under the catalog version."""

    products: list
    number: int
    count: int
    suggestion: str | None
    redirect_url: str | None = None
    product_grid: str = ""  # the rendered cards: pure catalog data, no CSRF token, so cached with it


def _categories() -> list:
    return cached("categories", fill=lambda: list(list_categories()))


@conditional_page
def home(request):
    featured = cached("featured", fill=lambda: list(list_products(in_stock=True)[:FEATURED_PRODUCT_COUNT]))
    return render(request, "catalog/home.html", {"categories": _categories(), "featured_products": featured})


def _product_list_page(filters: dict, page_number: str | None) -> ProductListPage:
    result = search_products(**filters)
    if result.pack is not None and not page_number:  # a barcode or SKU: straight to the pack
        url = result.pack.product.get_absolute_url() + f"#pack-{result.pack.sku}"
        return ProductListPage(products=[], number=1, count=0, suggestion=None, redirect_url=url)
    page = ProductSearchPaginator(result, PRODUCTS_PER_PAGE).get_page(page_number)
    products = list(page.object_list)
    return ProductListPage(products=[ProductSummary(p.pk, p.name, p.slug) for p in products],
                           number=page.number, count=page.paginator.count,
                           suggestion=result.suggestion(products),
                           product_grid=render_to_string("catalog/_product_grid.html", {"products": products}))


@conditional_page
def product_list(request):
    categories = _categories()
    form = ProductFilterForm(request.GET, categories=categories)
    filters = form.selector_filters()
    page_number = request.GET.get("page")
    listing = cached("product-list", sorted(filters.items()), page_number,
                     fill=lambda: _product_list_page(filters, page_number))
    if listing.redirect_url:
        return redirect(listing.redirect_url)
    page = Page(listing.products, listing.number, Paginator(range(listing.count), PRODUCTS_PER_PAGE))
    return render(request, "catalog/product_list.html", {
        "suggestion": listing.suggestion,
        "form": form,
        "filters": filters,
        "categories": categories,
        "selected_category": next((c for c in categories if c.slug == filters["category"]), None),
        "page_obj": page,
        "products": listing.products,
        "product_grid": mark_safe(listing.product_grid),  # rendered by our own template, escaped there
    })


@conditional_page
def product_detail(request, slug):
    try:
        product = cached("product-page", slug, fill=lambda: get_product_for_display(slug=slug))
    except Product.DoesNotExist:
        raise Http404("No such medicine.") from None
    product = annotate_purchase_refusals(product=product)  # the purchase policy, asked afresh: no queries
    return render(request, "catalog/product_detail.html", {
        "product": product,
        "packs": product.packs.all(),
        "leaflet": product.current_leaflet,
    })


def _leaflet_pdf(revision_id: int) -> tuple[bytes, str]:
    revision = get_leaflet_revision(revision_id=revision_id)
    return render_leaflet_pdf(revision=revision), leaflet_pdf_filename(revision)


@conditional_page
def leaflet_pdf(request, revision_id):
    try:
        pdf, filename = cached("leaflet-pdf", revision_id, fill=lambda: _leaflet_pdf(revision_id))
    except LeafletRevision.DoesNotExist:
        raise Http404("No such published leaflet.") from None
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    return HttpResponse(pdf, content_type="application/pdf", headers={"Content-Disposition": disposition})


def prescriptions_info(request):
    # The numbers are the jurisdiction's, so they come from settings rather than the template.
    return render(request, "catalog/prescriptions_info.html", {
        "validity_days": settings.PRESCRIPTION_VALIDITY_DAYS,
        "controlled_validity_days": settings.CONTROLLED_PRESCRIPTION_VALIDITY_DAYS,
        "max_upload_mb": settings.PRESCRIPTION_MAX_UPLOAD_BYTES // (1024 * 1024),
    })
