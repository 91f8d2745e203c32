"""The product page's article (catalog.views.ProductPage), with every value it shows worked out once here.

Rendering the article took about as much CPU as reading the product: the template asked each pack for its
display name up to four times (each time joining its strengths' labels with the product's name and form),
reversed the list's URL once per category badge, ran `linebreaks` over each leaflet section, and included
two other templates. Here each of those is computed once, into plain dicts (the template engine finds a
dict's key at its first try, a model's attribute only after a failed item lookup and a callable check),
and the template is one file. The HTML is the same.
"""

from urllib.parse import quote

from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as format_date

from .models import Pack, Product


def _pack_row(pack: Pack) -> dict:
    refusal = pack.purchase_refusal
    return {
        "pk": pack.pk,
        "sku": pack.sku,
        "name": pack.display_name,
        "price": str(pack.price),
        "in_stock": pack.in_stock,
        "max_per_order": pack.max_per_order,
        "refused": refusal is not None,
        "refusal_message": refusal.message if refusal is not None else "",
    }


def render_product_article(product: Product, *, csrf_token: str, next_path: str) -> str:
    """The article of `product` as catalog.selectors.get_product_for_display reads it, after
    annotate_purchase_refusals; its buy forms carry `csrf_token` and `next_path`."""
    list_url = reverse("catalog:product-list")
    leaflet = product.current_leaflet
    return render_to_string("catalog/_product_article.html", {
        "product": {
            "name": product.name,
            "description": product.description,
            "legal_category": product.get_legal_category_display(),
            "prescription_required": product.prescription_required,
            "is_controlled_drug": product.is_controlled_drug,
            "controlled_drug_schedule": product.get_controlled_drug_schedule_display(),
            "controlled_drug_refused": product.controlled_drug_refusal is not None,
            "categories": [{"url": f"{list_url}?category={quote(category.slug, safe='/')}", "name": category.name}
                           for category in product.categories.all()],
        },
        "packs": [_pack_row(pack) for pack in product.packs.all()],
        "leaflet": None if leaflet is None else {
            "number": leaflet.number,
            "revised_on": format_date(leaflet.revised_on, "m/Y"),
            "pdf_url": reverse("catalog:leaflet-pdf", kwargs={"revision_id": leaflet.pk}),
            "sections": [{"key": section.key, "heading": section.heading,
                          "body": linebreaks_filter(section.body, autoescape=True)}
                         for section in leaflet.sections.all()],
        },
        "csrf_token": csrf_token,
        "next_path": next_path,
    })
