"""`{% cart_line_rows summary.lines blocked_line_ids %}`: the cart table's rows, one per line.

Each row holds a link, a price, two forms (with their CSRF token and links) and some twenty values; through
the template engine the three rows of a usual cart cost more CPU than the rest of the page together
(each value resolved, localised and escaped by a node of its own). They are written here instead, with
the same markup the template wrote (tests/cart/test_cart_line_rows.py compares the two), each value
escaped as autoescape would. (A backslash at the end of a line of markup continues it: the line is one.)
"""

import html

from django import template
from django.utils.safestring import SafeString, mark_safe

from pharmacy.templatetags.fixed_urls import fixed_url

register = template.Library()

_PRESCRIPTION_NOTE = """
              <span class="badge badge-prescription">Prescription only</span>
              <p class="line-note">You will need a prescription for this item at checkout; our pharmacist checks \
it before anything is dispensed.</p>
            """

_ROW = """
        <tr id="line-{id}"{blocked}>
          <td data-label="Item">
            <a href="{product_url}">{name}</a>
            {prescription_note}
          </td>
          <td data-label="Unit price" class="money">{unit_price}</td>
          <td data-label="Quantity">
            <form method="post" action="{update_url}" class="inline-form" novalidate>
              {csrf_input}
              <label for="quantity-line-{id}" class="visually-hidden">Quantity of {name}</label>
              <input id="quantity-line-{id}" type="number" name="quantity" value="{typed_quantity}" min="1" \
max="{max_quantity}" inputmode="numeric" class="quantity-input"{invalid}>
              <button type="submit" class="button-secondary">Update<span class="visually-hidden"> quantity of \
{name}</span></button>
              {error}
            </form>
          </td>
          <td data-label="Total" class="money">{line_total}</td>
          <td class="line-actions">
            <form method="post" action="{remove_url}" class="inline-form">
              {csrf_input}
              <button type="submit" class="button-secondary">Remove<span class="visually-hidden"> {name}</span></button>
            </form>
          </td>
        </tr>
      """


def escape(value) -> str:
    """What autoescape writes for `value` (django.utils.html.conditional_escape without its lazy wrappers)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _csrf_input(token) -> str:
    """What {% csrf_token %} writes for the context's token."""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def cart_line_row(line, *, csrf_input: str, blocked: bool) -> str:
    """One line's row. `line` is one of cart.selectors' lines, with the view's `typed_quantity` and
    `quantity_error` set on it."""
    line_id = str(line.pk)
    pack = line.pack
    error = line.quantity_error
    return _ROW.format(
        id=line_id,
        blocked=' class="line-blocked"' if blocked else "",
        product_url=escape(fixed_url("catalog:product-detail", slug=pack.product.slug)),  # get_absolute_url's
        name=escape(pack.display_name),
        prescription_note=_PRESCRIPTION_NOTE if line.prescription_required else "",
        unit_price=escape(line.unit_price),
        update_url=escape(fixed_url("cart:line-update", line_id=line.pk)),
        remove_url=escape(fixed_url("cart:line-remove", line_id=line.pk)),
        csrf_input=csrf_input,
        typed_quantity=escape(line.typed_quantity),
        max_quantity=escape(pack.max_per_order or 1000),
        invalid=f' aria-invalid="true" aria-describedby="quantity-line-{line_id}-error"' if error else "",
        error=f'<p class="field-error" id="quantity-line-{line_id}-error">{escape(error)}</p>' if error else "",
        line_total=escape(line.line_total),
    )


@register.simple_tag(takes_context=True)
def cart_line_rows(context, lines, blocked_line_ids) -> SafeString:
    csrf_input = _csrf_input(context.get("csrf_token"))
    return mark_safe("".join(cart_line_row(line, csrf_input=csrf_input, blocked=line.pk in blocked_line_ids)
                             for line in lines))
