"""The cart page's content, written in Python; cart.views puts it in the storefront's page (render_framed).

Through the template engine (cart/detail.html, as tests/cart/cart_detail_before.html keeps it) the content
cost more CPU than reading the cart: each row holds a link, a price, two forms (with their CSRF token and
links) and some twenty values, and each of those, and each total, name and condition of the table's foot,
the delivery estimate and the checkout button, was resolved, localised and escaped by a node of its own.
They are written here with the markup the template wrote, each value escaped as autoescape would:
tests/cart/test_cart_page_html.py compares the page with that template's, tests/cart/test_cart_line_rows.py
the rows with the loop they replaced. The clinical advice between cart_content and cart_actions is the
clinical app's judgement (registered with cart.advice: cart imports nothing of clinical). A backslash at the
end of a line of markup continues it: the line is one.
"""

import html

from pharmacy.templatetags.fixed_urls import fixed_url

from .selectors import CartSummary

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


def csrf_input(token) -> str:
    """What {% csrf_token %} writes for the context's token."""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


# The rows' links are reversed once per page with a stand-in in place of a line's id or a product's slug (no
# line or product has it), then each row's is put in its place: fixed_url's two look-ups of the URLconf and
# the script prefix, nine per three-line page, were a quarter of the rows' work. A slug is written as reverse
# writes it: its pattern's characters ([-a-zA-Z0-9_]) need no quoting.
_LINE_ID_SLOT = 2_147_483_647
_SLUG_SLOT = "qq-slug-stand-in-qq"


def _slot_link(name: str, **stand_in) -> tuple[str, str]:
    """The escaped link of `name` on either side of its one argument, `stand_in`."""
    (value,) = stand_in.values()
    before, _, after = fixed_url(name, **stand_in).rpartition(str(value))
    return escape(before), escape(after)


def cart_line_row(line, *, csrf_input: str, blocked: bool, update_link: tuple[str, str],
                  remove_link: tuple[str, str], product_link: tuple[str, str]) -> str:
    """One line's row. `line` is one of cart.selectors' lines, with the view's `typed_quantity` and
    `quantity_error` set on it; the links are _slot_link's."""
    line_id = str(line.pk)
    pack = line.pack
    error = line.quantity_error
    return _ROW.format(
        id=line_id,
        blocked=' class="line-blocked"' if blocked else "",
        product_url=escape(pack.product.slug).join(product_link),  # the product's get_absolute_url
        name=escape(pack.display_name),
        prescription_note=_PRESCRIPTION_NOTE if line.prescription_required else "",
        unit_price=escape(line.unit_price),
        update_url=line_id.join(update_link),
        remove_url=line_id.join(remove_link),
        csrf_input=csrf_input,
        typed_quantity=escape(line.typed_quantity),
        max_quantity=escape(pack.max_per_order or 1000),
        invalid=f' aria-invalid="true" aria-describedby="quantity-line-{line_id}-error"' if error else "",
        error=f'<p class="field-error" id="quantity-line-{line_id}-error">{escape(error)}</p>' if error else "",
        line_total=escape(line.line_total),
    )


def cart_line_rows(lines, *, csrf_token, blocked_line_ids) -> str:
    """The table's rows, one per line, their forms carrying `csrf_token`."""
    row_csrf_input = csrf_input(csrf_token)
    links = {"update_link": _slot_link("cart:line-update", line_id=_LINE_ID_SLOT),
             "remove_link": _slot_link("cart:line-remove", line_id=_LINE_ID_SLOT),
             "product_link": _slot_link("catalog:product-detail", slug=_SLUG_SLOT)}
    return "".join(cart_line_row(line, csrf_input=row_csrf_input, blocked=line.pk in blocked_line_ids, **links)
                   for line in lines)


_EMPTY = """
<h1>Your cart</h1>

  <p>Your cart is empty. <a href="{list_url}">Browse medicines</a>.</p>

"""

_QUANTITY_ERROR = """
    <div class="form-errors" role="alert"><p>A quantity could not be changed. See the message next to the \
item.</p></div>
  """

_TABLE = """
<h1>Your cart</h1>

  {quantity_error}
  <table class="responsive cart-table">
    <caption class="visually-hidden">Items in your cart</caption>
    <thead><tr><th scope="col">Item</th><th scope="col">Unit price</th><th scope="col">Quantity</th>\
<th scope="col">Total</th><th scope="col"><span class="visually-hidden">Remove</span></th></tr></thead>
    <tbody>
      {rows}
    </tbody>
    <tfoot>
      <tr><th scope="row" colspan="3">Subtotal ({item_count} item{plural})</th><td colspan="2" class="money">\
{subtotal}</td></tr>
      {delivery_row}
      <tr><th scope="row" colspan="3">Total</th><td colspan="2" class="money"><strong>{total}</strong></td></tr>
    </tfoot>
  </table>
  {delivery_hint}
  {prescription_notice}
  """

_DELIVERY_ROW = """
        <tr><th scope="row" colspan="3">Delivery ({name}, estimate)</th><td colspan="2" class="money">{charge}\
</td></tr>
      """

_DELIVERY_HINT = """
    <p class="hint delivery-estimate">Prices include VAT. {free}
      {others}You choose at checkout.</p>
  """

_PRESCRIPTION_NOTICE = """
    <p class="notice-prescription">Your cart holds a prescription-only medicine. You will need a valid \
prescription, which our pharmacist checks before anything is dispensed.
      <a href="{info_url}">How prescriptions work</a>.</p>
  """

_BLOCKERS = """
  
    <section aria-labelledby="blockers-heading" class="blockers">
      <h2 id="blockers-heading">Before you can check out</h2>
      <ul>{items}</ul>
      <p>Change the quantity or remove these items to continue.</p>
    </section>
  

"""

_CHECKOUT = """
  
    <p class="checkout-actions">
      <a class="button" href="{checkout_url}">Checkout</a>
      {sign_in_hint}
    </p>
  

"""

_ADVICE = """
<section aria-labelledby="clinical-advice-heading" class="clinical-advice notice" id="clinical-advice">
  <h2 id="clinical-advice-heading">Advice from our pharmacist's checks</h2>
  {refused}
  {advice}
</section>

"""

_REFUSED = """
    <p><strong>We cannot sell you the following without talking to you first:</strong></p>
    <ul>{items}</ul>
  """

_ADVISED = """
    <ul>{items}</ul>
    <p>This advice is kept with your order. Our pharmacist reviews pharmacy and prescription medicines before \
anything is sent.</p>
  """

_SIGN_IN_HINT = '<span class="hint">You will be asked to sign in or create an account; your cart comes with you.</span>'


def _delivery_hint(delivery, other_deliveries) -> str:
    if delivery.is_free_by_threshold:
        free = f"{escape(delivery.name)} is free on this order."
    elif delivery.method.free_over_amount is not None:
        free = (f"{escape(delivery.name)} is free when your items come to "
                f"{escape(delivery.method.free_over_display)} or more.")
    else:
        free = ""
    others = "".join(f"{escape(other.name)}: {escape(other.charge) if other.charge.amount else 'free'}. "
                     for other in other_deliveries)
    return _DELIVERY_HINT.format(free=free, others=others)


def cart_content(summary: CartSummary | None, *, delivery, other_deliveries, blocked_line_ids,
                 has_quantity_error: bool, csrf_token) -> str:
    """The content up to the clinical advice: the table of lines and totals, the delivery estimate and the
    prescription notice (or the empty cart's sentence). `delivery` is the default method's quote or None."""
    if summary is None or summary.is_empty:
        return _EMPTY.format(list_url=escape(fixed_url("catalog:product-list")))
    item_count = summary.item_count
    return _TABLE.format(
        quantity_error=_QUANTITY_ERROR if has_quantity_error else "",
        rows=cart_line_rows(summary.lines, csrf_token=csrf_token, blocked_line_ids=blocked_line_ids),
        item_count=item_count,
        plural="" if item_count == 1 else "s",
        subtotal=escape(summary.total),
        delivery_row="" if delivery is None else _DELIVERY_ROW.format(
            name=escape(delivery.name), charge=escape(delivery.charge) if delivery.charge.amount else "Free"),
        total=escape(summary.total if delivery is None else delivery.total),
        delivery_hint="" if delivery is None else _delivery_hint(delivery, other_deliveries),
        prescription_notice=_PRESCRIPTION_NOTICE.format(info_url=escape(fixed_url("catalog:prescriptions-info")))
        if summary.prescription_required else "",
    )


def clinical_advice(items: list[dict]) -> str:
    """The clinical checks' advice on the lines (cart.advice.cart_advice_items: what checkout would refuse
    first, then the advice it would keep), as the clinical app's cart_advice.html wrote it."""
    if not items:
        return "\n"
    refused = "".join(f'<li class="clinical-refused">{escape(item["advice"])} Please talk to our pharmacist.</li>'
                      for item in items if item["refused"])
    advised = "".join(f'<li class="clinical-advice-item clinical-{escape(item["severity"])}">'
                      f'{escape(item["advice"])}</li>' for item in items if not item["refused"])
    return _ADVICE.format(refused=_REFUSED.format(items=refused) if refused else "",
                          advice=_ADVISED.format(items=advised) if advised else "")


def cart_actions(summary: CartSummary, *, signed_in: bool) -> str:
    """The content after the clinical advice: what blocks checkout, or the checkout button."""
    if summary.blockers:
        return _BLOCKERS.format(items="".join(
            f'<li><a href="#line-{blocker.line_id}">{escape(blocker.message)}</a></li>' if blocker.line_id
            else f"<li>{escape(blocker.message)}</li>" for blocker in summary.blockers))
    return _CHECKOUT.format(checkout_url=escape(fixed_url("checkout:checkout")),
                            sign_in_hint="" if signed_in else _SIGN_IN_HINT)
