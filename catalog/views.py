"""Storefront catalog pages. Each one reads through a selector and renders; none writes."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from .forms import ProductFilterForm
from .leaflet_pdf import leaflet_pdf_filename, render_leaflet_pdf
from .models import LeafletRevision, Product
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


def home(request):
    return render(request, "catalog/home.html", {
        "categories": list_categories(),
        "featured_products": list_products(in_stock=True)[:FEATURED_PRODUCT_COUNT],
    })


def product_list(request):
    categories = list(list_categories())
    form = ProductFilterForm(request.GET, categories=categories)
    filters = form.selector_filters()
    result = search_products(**filters)
    if result.pack is not None and not request.GET.get("page"):  # a barcode or SKU: straight to the pack
        return redirect(result.pack.product.get_absolute_url() + f"#pack-{result.pack.sku}")
    page = Paginator(result.products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    suggestion = result.suggestion(page.object_list)
    return render(request, "catalog/product_list.html", {
        "suggestion": suggestion,
        "form": form,
        "filters": filters,
        "categories": categories,
        "selected_category": next((c for c in categories if c.slug == filters["category"]), None),
        "page_obj": page,
        "products": page.object_list,
    })


def product_detail(request, slug):
    try:
        product = annotate_purchase_refusals(product=get_product_for_display(slug=slug))
    except Product.DoesNotExist:
        raise Http404("No such medicine.") from None
    return render(request, "catalog/product_detail.html", {
        "product": product,
        "packs": product.packs.all(),
        "leaflet": product.current_leaflet,
    })


def leaflet_pdf(request, revision_id):
    try:
        revision = get_leaflet_revision(revision_id=revision_id)
    except LeafletRevision.DoesNotExist:
        raise Http404("No such published leaflet.") from None
    disposition = content_disposition_header(as_attachment=True, filename=leaflet_pdf_filename(revision))
    return HttpResponse(render_leaflet_pdf(revision=revision), content_type="application/pdf",
                        headers={"Content-Disposition": disposition})


def prescriptions_info(request):
    # The numbers are the jurisdiction's, so they come from settings rather than the template.
    return render(request, "catalog/prescriptions_info.html", {
        "validity_days": settings.PRESCRIPTION_VALIDITY_DAYS,
        "controlled_validity_days": settings.CONTROLLED_PRESCRIPTION_VALIDITY_DAYS,
        "max_upload_mb": settings.PRESCRIPTION_MAX_UPLOAD_BYTES // (1024 * 1024),
    })
