"""The delivery method choice on the checkout page: a radio group whose labels carry the price."""

from django import forms

from pharmacy.money import Money

from .models import DeliveryMethod
from .services import DeliveryQuote, quote_delivery


def choice_label(method: DeliveryMethod, *, subtotal: Money) -> str:
    charge = quote_delivery(method=method, subtotal=subtotal).charge
    if method.free_over_amount is not None and charge.amount == 0:
        price = f"free (your items come to {method.free_over_display} or more)"
    elif method.free_over_amount is not None:
        price = f"{charge}, free over {method.free_over_display}"
    else:
        price = str(charge) if charge.amount else "free"
    return f"{method.name}: {price}. {method.estimate_display}."


def delivery_method_field(methods: list[DeliveryMethod], *, subtotal: Money) -> forms.ChoiceField:
    field = forms.ChoiceField(
        label="How should we send your order?", widget=forms.RadioSelect, initial=methods[0].code,
        choices=[(method.code, choice_label(method, subtotal=subtotal)) for method in methods],
        help_text="Prices include VAT.",
        error_messages={"required": "Choose a delivery method.",
                        "invalid_choice": "Choose one of the delivery methods offered."},
    )
    field.methods = {method.code: method for method in methods}  # read by selected_delivery_quote
    return field


def selected_delivery_quote(*, form: forms.Form, subtotal: Money) -> DeliveryQuote:
    """The charge for the method the form shows selected (the shopper's, else the default), for the
    order summary beside it; free when no method is configured."""
    field = form.fields.get("delivery_method")
    if field is None:
        return quote_delivery(method=None, subtotal=subtotal)
    chosen = form["delivery_method"].value()
    method = field.methods.get(chosen) or field.methods[field.initial]
    return quote_delivery(method=method, subtotal=subtotal)
