"""The cart page as its template rendered it before it was written in Python (tests/cart/cart_detail_before.html,
with the clinical app's advice template inlined), for comparing pages byte for byte."""

import re
from pathlib import Path

from django.template import RequestContext, Template

from cart.models import Cart
from cart.selectors import get_cart_summary
from clinical.services import advice_for_cart
from delivery.services import estimate_delivery

BEFORE = Template((Path(__file__).parents[1] / "cart" / "cart_detail_before.html").read_text(encoding="utf-8"))


def neutral(html: str) -> str:
    """The CSRF tokens as one placeholder and the line ids as their order of first appearance."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="CSRF"', html)
    ids: dict[str, str] = {}
    return re.sub(r"(line-|/cart/lines/)(\d+)", lambda m: m.group(1) + "L" + ids.setdefault(m.group(2), str(len(ids))),
                  html)


def page_before(response, *, invalid_line_id=None, typed_quantity="", error="") -> str:
    """The page as the view rendered it before, for the request the client made."""
    request = response.wsgi_request
    token = request.session.get("cart_token")
    user = request.user
    cart = (Cart.objects.filter(user=user).first() if user.is_authenticated
            else Cart.objects.filter(token=token).first() if token else None)
    summary = get_cart_summary(cart=cart) if cart is not None else None
    for line in summary.lines if summary else ():
        line.quantity_error = error if line.pk == invalid_line_id else ""
        line.typed_quantity = typed_quantity if line.pk == invalid_line_id else str(line.quantity)
    has_lines = summary is not None and not summary.is_empty
    quotes = estimate_delivery(subtotal=summary.total) if has_lines else []
    advice = advice_for_cart(user=user if user.is_authenticated else None, cart_lines=summary.lines) if has_lines \
        else None  # what the clinical app's cart_clinical_advice tag gave its template
    return BEFORE.render(RequestContext(request, {
        "summary": summary, "delivery": quotes[0] if quotes else None, "other_deliveries": quotes[1:],
        "blocked_line_ids": {blocker.line_id for blocker in summary.blockers} if summary else set(),
        "has_quantity_error": bool(error), "advice": advice,
    }))
