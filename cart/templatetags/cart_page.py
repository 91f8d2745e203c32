"""`{% cart_content %}` and `{% cart_actions %}`: the cart page's content around the clinical advice, written
by cart.page from the view's context (its CSRF token is the one the rest of the page shows)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..page import cart_actions as write_actions
from ..page import cart_content as write_content

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_content(context) -> SafeString:
    return mark_safe(write_content(  # cart.page escapes every value it writes
        context["summary"], delivery=context["delivery"], other_deliveries=context["other_deliveries"],
        blocked_line_ids=context["blocked_line_ids"], has_quantity_error=context["has_quantity_error"],
        csrf_token=context.get("csrf_token"),
    ))


@register.simple_tag(takes_context=True)
def cart_actions(context) -> SafeString:
    return mark_safe(write_actions(context["summary"], signed_in=context["user"].is_authenticated))
