"""`{% cart_line_rows summary.lines blocked_line_ids %}`: the cart table's rows, one per line (cart.page writes
them; tests/cart/test_cart_line_rows.py compares them with the template loop they replaced)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..page import cart_line_row, csrf_input

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_line_rows(context, lines, blocked_line_ids) -> SafeString:
    row_csrf_input = csrf_input(context.get("csrf_token"))
    return mark_safe("".join(cart_line_row(line, csrf_input=row_csrf_input, blocked=line.pk in blocked_line_ids)
                             for line in lines))
