from django import forms


class AddToCartForm(forms.Form):
    """Shape and types only; whether the pack may be bought is the purchase policy's call."""

    pack = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = forms.IntegerField(label="Quantity", min_value=1, max_value=1000, initial=1)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
