from django import forms


class AddToCartForm(forms.Form):
    """Shape and types only; whether the pack may be bought is the purchase policy's call."""

    pack = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = forms.IntegerField(label="Quantity", min_value=1, max_value=1000, initial=1)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class CartLineQuantityForm(forms.Form):
    """The new quantity of one cart line; the line comes from the URL and is found in the shopper's cart."""

    quantity = forms.IntegerField(
        label="Quantity", min_value=1, max_value=1000,
        error_messages={
            "required": "Enter a quantity of at least 1, or remove the item.",
            "invalid": "Enter a whole number, such as 2.",
            "min_value": "Enter a quantity of at least 1, or remove the item.",
            "max_value": "Enter a quantity of at most 1000.",
        },
    )
