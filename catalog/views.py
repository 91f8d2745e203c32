"""Storefront catalog pages. Each one reads through a selector and renders; none writes."""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from pharmacy.frame import render_framed
from pharmacy.templatetags.fixed_urls import fixed_url

from .cache import cached
from .forms import ProductFilterForm, search_only_filters
from .http import conditional_page
from .leaflet_pdf import leaflet_pdf_filename, render_leaflet_pdf
from .models import LeafletRevision, Product
from .pagination import ProductSearchPaginator
from .product_list_html import (
    category_links_html,
    filter_fields_html,
    list_content_html,
    list_heading,
    product_grid_html,
    search_filter_fields_html,
)
from .product_page import render_product_article
from .selectors import (
    annotate_purchase_refusals,
    get_leaflet_revision,
    get_product_page,
    list_category_choices,
    search_products,
)
from .services import purchase_policy_settings

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
    return cached("category-choices", fill=list_category_choices)


def _home_content() -> str:
    # Cards show no categories: the summaries are read without them (a query less).
    featured = search_products(in_stock=True).summaries(with_categories=False)[:FEATURED_PRODUCT_COUNT]
    return render_to_string("catalog/_home_content.html", {
        "pharmacy": {"name": settings.PHARMACY_NAME}, "categories": _categories(), "featured_products": featured,
        "product_grid": product_grid_html(featured),
    })


@conditional_page
def home(request):
    # The same for every visitor (nothing of theirs, no CSRF token), so cached as HTML like the list's content.
    content = cached("home-content", fill=_home_content)
    return render_framed(request, title="Medicines checked by a pharmacist", content_html=content)


def _list_query(request) -> QueryDict:
    """The parameters that shape the list, in a fixed order: the cache key, and the base of its links."""
    query = QueryDict(mutable=True)
    for name in LIST_PARAMETERS:
        values = request.GET.getlist(name)
        if values:
            query.setlist(name, values[:1])
    return query


def _filter_form(query: QueryDict, categories: list) -> tuple[dict, str, bool]:
    """The search's filters, the filter form's rows and whether the form had errors. A query of a search
    alone (the commonest) is cleaned and written without building the form, to the same effect."""
    filters = search_only_filters(query)
    if filters is not None:
        return filters, search_filter_fields_html(query.get("q"), categories), False
    form = ProductFilterForm(query, categories=categories)
    filters = form.selector_filters()
    return filters, filter_fields_html(form), bool(form.errors)


def _product_list_content(query: QueryDict) -> ProductListContent:
    categories = _categories()
    filters, filter_fields, form_has_errors = _filter_form(query, categories)
    page_number = query.get("page")
    result = search_products(**filters)
    if result.pack is not None and not page_number:
        url = result.pack.product.get_absolute_url() + f"#pack-{result.pack.sku}"
        return ProductListContent(title="", redirect_url=url)
    page = ProductSearchPaginator(result.summaries(with_categories=False), PRODUCTS_PER_PAGE).get_page(page_number)
    products = list(page.object_list)
    selected = next((c for c in categories if c.slug == filters["category"]), None)
    title = heading = list_heading(filters["search"], selected.name if selected else None)
    # All of it written in Python (catalog.product_list_html), as the template it replaces wrote it.
    html = list_content_html(
        query=query, heading=heading, form_has_errors=form_has_errors, filter_fields=filter_fields,
        category_links=category_links_html(query, categories, filters["category"]) if categories else None,
        suggestion=result.suggestion(products), page=page, product_grid=product_grid_html(products),
    )
    return ProductListContent(title=title if page.number == 1 else f"{title} (page {page.number})", html=html)


@conditional_page
def product_list(request):
    query = _list_query(request)
    content = cached("product-list", query.urlencode(), fill=lambda: _product_list_content(query))
    if content.redirect_url:
        return redirect(content.redirect_url)
    # Both rendered by our own templates, which escape what they show (the shopper's query among it).
    return render_framed(request, title=mark_safe(content.title), content_html=f"\n{content.html}\n")


# Stand-ins for what the product page's buy forms hold of the visitor, replaced on every request.
_CSRF_TOKEN_SLOT = "csrf-token-slot-7b1f2e"
_NEXT_PATH_SLOT = "next-path-slot-7b1f2e"


@dataclass(frozen=True)
class ProductPage:
    """A product page as rendered once for every visitor, cached under the catalog version (and the
    purchase policy's settings): the product, its packs with the purchase policy's answers, and its leaflet.
    The buy forms carry the visitor's CSRF token and return path, so the HTML holds stand-ins for those two,
    filled in per request; nothing else on it is the visitor's."""

    product_name: str
    article_html: str


def _product_page(slug: str) -> ProductPage:
    product = annotate_purchase_refusals(product=get_product_page(slug=slug))
    article = render_product_article(product, csrf_token=_CSRF_TOKEN_SLOT, next_path=_NEXT_PATH_SLOT)
    return ProductPage(product_name=product.name, article_html=article)


@conditional_page
def product_detail(request, slug):
    try:
        page = cached("product-page", slug, purchase_policy_settings(), fill=lambda: _product_page(slug))
    except Product.DoesNotExist:
        raise Http404("No such medicine.") from None
    article = page.article_html
    if _CSRF_TOKEN_SLOT in article:  # some pack can be bought: its form needs this visitor's token
        article = article.replace(_CSRF_TOKEN_SLOT, get_token(request))
        article = article.replace(_NEXT_PATH_SLOT, escape(request.get_full_path()))
    # The article is our own template's output; what is put in it is escaped above.
    return render_framed(request, title=page.product_name, content_html=_BREADCRUMBS.format(
        home=fixed_url("catalog:home"), list=fixed_url("catalog:product-list"), name=escape(page.product_name),
    ) + article + "\n")


_BREADCRUMBS = """
<nav aria-label="Breadcrumb" class="breadcrumbs">
  <ol>
    <li><a href="{home}">Home</a></li>
    <li><a href="{list}">Medicines</a></li>
    <li aria-current="page">{name}</li>
  </ol>
</nav>

"""


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
