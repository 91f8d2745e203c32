"""Storefront catalog pages. Each one reads through a selector and renders; none writes."""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpResponse, QueryDict
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
LIST_PARAMETERS = (*ProductFilterForm.base_fields, "page")


@dataclass(frozen=True)
class ProductListContent:
    """The storefront list's content as rendered once for every visitor asking the same question: the
    filter form, the results and the pagination hold no CSRF token and nothing of the visitor's, so the
    HTML is cached under the catalog version and only the page around it (header, messages) is rendered
    per request."""

    title: str
    html: str = ""
    redirect_url: str | None = None  # a barcode or SKU goes straight to its pack


def _categories() -> list:
    return cached("categories", fill=lambda: list(list_categories()))


@conditional_page
def home(request):
    featured = cached("featured", fill=lambda: list(list_products(in_stock=True)[:FEATURED_PRODUCT_COUNT]))
    return render(request, "catalog/home.html", {"categories": _categories(), "featured_products": featured})


def _list_query(request) -> QueryDict:
    """The parameters that shape the list, in a fixed order: the cache key, and the base of its links."""
    query = QueryDict(mutable=True)
    for name in LIST_PARAMETERS:
        values = request.GET.getlist(name)
        if values:
            query.setlist(name, values[:1])
    return query


def _product_list_content(query: QueryDict) -> ProductListContent:
    categories = _categories()
    form = ProductFilterForm(query, categories=categories)
    filters = form.selector_filters()
    page_number = query.get("page")
    result = search_products(**filters)
    if result.pack is not None and not page_number:
        url = result.pack.product.get_absolute_url() + f"#pack-{result.pack.sku}"
        return ProductListContent(title="", redirect_url=url)
    page = ProductSearchPaginator(result, PRODUCTS_PER_PAGE).get_page(page_number)
    products = list(page.object_list)
    context = {
        "query": query,
        "suggestion": result.suggestion(products),
        "form": form,
        "filters": filters,
        "categories": categories,
        "selected_category": next((c for c in categories if c.slug == filters["category"]), None),
        "page_obj": page,
        "products": products,
    }
    title = render_to_string("catalog/_product_list_heading.txt", context).strip()
    return ProductListContent(title=title if page.number == 1 else f"{title} (page {page.number})",
                              html=render_to_string("catalog/_product_list_content.html", context))


@conditional_page
def product_list(request):
    query = _list_query(request)
    content = cached("product-list", query.urlencode(), fill=lambda: _product_list_content(query))
    if content.redirect_url:
        return redirect(content.redirect_url)
    return render(request, "catalog/product_list.html", {
        "title": content.title,
        "content": mark_safe(content.html),  # rendered by our own template, which escapes what it shows
    })


@dataclass(frozen=True)
class ProductPage:
    """A product page's catalog data, cached under the catalog version: the product with its packs (the
    buy forms carry the visitor's CSRF token, so the pack table is rendered per request) and, rendered
    once, the parts that are the same for everyone. The leaflet lives only in its HTML here, so its
    sections are not unpickled again on every view."""

    product: Product
    intro_html: str
    leaflet_html: str


def _product_page(slug: str) -> ProductPage:
    product = get_product_for_display(slug=slug)
    context = {"product": product, "leaflet": product.current_leaflet}
    page = ProductPage(product=product,
                       intro_html=render_to_string("catalog/_product_intro.html", context),
                       leaflet_html=render_to_string("catalog/_product_leaflet.html", context))
    product.current_leaflet = None
    return page


@conditional_page
def product_detail(request, slug):
    try:
        page = cached("product-page", slug, fill=lambda: _product_page(slug))
    except Product.DoesNotExist:
        raise Http404("No such medicine.") from None
    product = annotate_purchase_refusals(product=page.product)  # the purchase policy, asked afresh: no queries
    return render(request, "catalog/product_detail.html", {
        "product": product,
        "packs": product.packs.all(),
        # Rendered by our own templates, which escape what they show.
        "intro": mark_safe(page.intro_html),
        "leaflet": mark_safe(page.leaflet_html),
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
