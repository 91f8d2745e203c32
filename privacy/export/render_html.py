"""export.html: the readable part. One self-contained page (no scripts, styles inline, no outside links
but the notice's), rendered with Django's auto-escaping: every value is the shopper's or staff's text."""

from django.conf import settings
from django.template.loader import render_to_string


def render_html(data: dict) -> bytes:
    return render_to_string(
        "privacy/export/export.html", {"export": data, "pharmacy_name": settings.PHARMACY_NAME}
    ).encode("utf-8")
