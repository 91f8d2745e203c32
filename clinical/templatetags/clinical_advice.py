"""The clinical checks' advice in storefront pages: `{% cart_clinical_advice summary %}` on the cart page."""

from django import template

from ..services import advice_for_cart

register = template.Library()


@register.inclusion_tag("clinical/cart_advice.html", takes_context=True)
def cart_clinical_advice(context, summary):
    """What checkout would refuse and the advice it would keep, computed from the cart as it is now (for
    the account holder: checkout asks who the medicines are for, and checks again)."""
    if summary is None or summary.is_empty:
        return {"advice": None}
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"advice": advice_for_cart(user=user if user and user.is_authenticated else None,
                                      cart_lines=summary.lines)}
