"""The product page's article (catalog.views.ProductPage), with every value it shows worked out once here.

Rendering the article took about as much CPU as reading the product: the template asked each pack for its
display name up to four times (each time joining its strengths' labels with the product's name and form),
reversed the list's URL once per category badge, ran `linebreaks` over each leaflet section, and included
two other templates, and each value of a pack's row or a leaflet section was resolved, localised and
escaped by a node of its own. Here the packs' rows and the leaflet's sections are written in Python with
the markup the template wrote (as the cart page's rows are, cart/templatetags/cart_lines.py), each value
escaped as autoescape would, and the rest of the article is one template fed plain dicts. The HTML is the
same (tests/catalog/test_product_detail_read.py compares it with the old templates'). A backslash at the
end of a line of markup continues it: the line is one.
"""

from urllib.parse import quote

from django.template.defaultfilters import linebreaks_filter
from django.template.loader import render_to_string
from django.utils.dateformat import format as format_date
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe

from pharmacy.templatetags.fixed_urls import fixed_url

from .models import LeafletSection, Pack, Product

_PACK_ROW = """
        <tr id="pack-{sku}">
          <th scope="row">{name}</th>
          <td data-label="Price">{price}</td>
          <td data-label="Availability">{availability}</td>
          <td data-label="Limit per order">{limit}</td>
          <td>
            {buy}
          </td>
        </tr>
      """

_BUY_FORM = """
              <form method="post" action="{cart_add_url}" class="add-to-cart">
                {csrf_input}
                <input type="hidden" name="pack" value="{pk}">
                <input type="hidden" name="next" value="{next_path}">
                <label for="quantity-{pk}">Quantity<span class="visually-hidden"> of {name}</span></label>
                <input id="quantity-{pk}" type="number" name="quantity" value="1" min="1" max="{max}" required \
inputmode="numeric">
                <button type="submit">Add<span class="visually-hidden"> {name}</span> to cart</button>
              </form>
            """

_NOT_IN_STOCK = """
              <p>Not available to order until it is back in stock.</p>
            """

_LEAFLET_SECTION = """
        <section aria-labelledby="leaflet-{key}">
          <h3 id="leaflet-{key}">{heading}</h3>
          {body}
        </section>
      """


def _csrf_input(token: str) -> str:
    """What {% csrf_token %} writes for this token."""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def _pack_row(pack: Pack, *, cart_add_url: str, csrf_input: str, next_path: str) -> str:
    """One pack's row, after annotate_purchase_refusals."""
    name = escape(pack.display_name)
    if pack.purchase_refusal is not None:
        buy = f"\n              <p>{escape(pack.purchase_refusal.message)}</p>\n            "
    elif not pack.in_stock:
        buy = _NOT_IN_STOCK
    else:
        buy = _BUY_FORM.format(cart_add_url=cart_add_url, csrf_input=csrf_input, pk=pack.pk, next_path=next_path,
                               name=name, max=escape(pack.max_per_order or 1000))
    return _PACK_ROW.format(
        sku=escape(pack.sku),
        name=name,
        price=escape(pack.price),
        availability="In stock" if pack.in_stock else "Out of stock",
        limit=f"{pack.max_per_order} per order" if pack.max_per_order else "No limit",
        buy=buy,
    )


def _leaflet_section(section: LeafletSection) -> str:
    return _LEAFLET_SECTION.format(key=escape(section.key), heading=escape(section.heading),
                                   body=linebreaks_filter(section.body, autoescape=True))


def render_product_article(product: Product, *, csrf_token: str, next_path: str) -> str:
    """The article of `product` as catalog.selectors.get_product_for_display reads it, after
    annotate_purchase_refusals; its buy forms carry `csrf_token` and `next_path`."""
    list_url = fixed_url("catalog:product-list")
    cart_add_url = escape(fixed_url("cart:add"))
    csrf_input, next_path = _csrf_input(csrf_token), escape(next_path)
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
        "pack_rows": _safe_join(_pack_row(pack, cart_add_url=cart_add_url, csrf_input=csrf_input,
                                          next_path=next_path) for pack in product.packs.all()),
        "leaflet": None if leaflet is None else {
            "number": leaflet.number,
            "revised_on": format_date(leaflet.revised_on, "m/Y"),
            "pdf_url": fixed_url("catalog:leaflet-pdf", revision_id=leaflet.pk),
            "sections": _safe_join(_leaflet_section(section) for section in leaflet.sections.all()),
        },
    })


def _safe_join(parts) -> SafeString:
    return mark_safe("".join(parts))  # each part escapes what it writes
