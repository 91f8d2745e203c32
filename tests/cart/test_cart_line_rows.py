"""The cart table's rows are written by cart.page, not by the template engine; they must be the markup the
template wrote, byte for byte, for every kind of line."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from cart.page import cart_line_rows
from cart.selectors import get_cart_summary
from cart.services import add_to_cart, get_or_create_user_cart
from tests.factories import PackFactory, ProductFactory

pytestmark = pytest.mark.django_db

# The loop the cart page's template held before its rows were written out (a backslash ends a line that goes on).
TEMPLATE_ROWS = """{% load fixed_urls %}{% for line in lines %}{% with name=line.pack.display_name %}
        <tr id="line-{{ line.pk }}"{% if line.pk in blocked_line_ids %} class="line-blocked"{% endif %}>
          <td data-label="Item">
            <a href="{{ line.pack.product.get_absolute_url }}">{{ name }}</a>
            {% if line.prescription_required %}
              <span class="badge badge-prescription">Prescription only</span>
              <p class="line-note">You will need a prescription for this item at checkout; our pharmacist checks it\
 before anything is dispensed.</p>
            {% endif %}
          </td>
          <td data-label="Unit price" class="money">{{ line.unit_price }}</td>
          <td data-label="Quantity">
            <form method="post" action="{% fixed_url 'cart:line-update' line_id=line.pk %}" class="inline-form"\
 novalidate>
              {% csrf_token %}
              <label for="quantity-line-{{ line.pk }}" class="visually-hidden">Quantity of {{ name }}</label>
              <input id="quantity-line-{{ line.pk }}" type="number" name="quantity" value="{{ line.typed_quantity\
 }}" min="1" max="{{ line.pack.max_per_order|default:1000 }}" inputmode="numeric" class="quantity-input"{% if\
 line.quantity_error %} aria-invalid="true" aria-describedby="quantity-line-{{ line.pk }}-error"{% endif %}>
              <button type="submit" class="button-secondary">Update<span class="visually-hidden"> quantity of {{\
 name }}</span></button>
              {% if line.quantity_error %}<p class="field-error" id="quantity-line-{{ line.pk }}-error">{{\
 line.quantity_error }}</p>{% endif %}
            </form>
          </td>
          <td data-label="Total" class="money">{{ line.line_total }}</td>
          <td class="line-actions">
            <form method="post" action="{% fixed_url 'cart:line-remove' line_id=line.pk %}" class="inline-form">
              {% csrf_token %}
              <button type="submit" class="button-secondary">Remove<span class="visually-hidden"> {{ name\
 }}</span></button>
            </form>
          </td>
        </tr>
      {% endwith %}{% endfor %}"""


def lines_of_every_kind(user):
    """A plain line, a prescription-only one, one with a per-order limit and a name that needs escaping, and a
    liquid at a price with thousands."""
    cart = get_or_create_user_cart(user=user)
    packs = [
        PackFactory(),
        PackFactory(product=ProductFactory(name="Presolol tablets", legal_category="prescription"), pack_size=84),
        PackFactory(product=ProductFactory(name='Testamol & <b>co</b> "tabs" tablets'), max_per_order=2),
        PackFactory(product=ProductFactory(name="Syrupa oral solution", dosage_form="oral_solution"),
                    pack_unit="mL", pack_size=100, price_amount=Decimal("1234.50")),
    ]
    for pack in packs:
        add_to_cart(cart=cart, pack=pack, quantity=2)
    lines = get_cart_summary(cart=cart).lines
    for line in lines:
        line.quantity_error, line.typed_quantity = "", str(line.quantity)
    return lines


@pytest.mark.parametrize("csrf_token", ["a-token-&-more", None])
def test_the_written_rows_are_the_markup_the_template_wrote(user, csrf_token):
    lines = lines_of_every_kind(user)
    lines[1].quantity_error, lines[1].typed_quantity = 'Enter a whole number, such as 2 <"2">.', '1.5"<'
    context = {"lines": lines, "blocked_line_ids": {lines[2].pk, lines[3].pk}, "csrf_token": csrf_token,
               "request": RequestFactory().get("/cart/")}

    written = cart_line_rows(lines, csrf_token=csrf_token, blocked_line_ids=context["blocked_line_ids"])

    assert written == Template(TEMPLATE_ROWS).render(Context(context))
    assert written.count("<tr ") == 4 and written.count('class="line-blocked"') == 2
    assert "Testamol &amp; &lt;b&gt;co&lt;/b&gt; &quot;tabs&quot;" in written
    assert 'value="1.5&quot;&lt;"' in written and "£2,469.00" in written
