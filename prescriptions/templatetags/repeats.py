"""The repeat status of a prescription, for the shopper's pages (prescriptions list, order page)."""

from django import template

from prescriptions.services.repeats import repeat_status, repeat_status_is_unknown

register = template.Library()


@register.simple_tag
def prescription_repeat_status(prescription):
    """RepeatStatus, or None when the prescription is not an approved repeatable one. Reads the
    prefetched issues when the selector provided them."""
    if prescription is None or repeat_status_is_unknown(prescription):
        return None
    return repeat_status(prescription, issues=list(prescription.issues.all()))
