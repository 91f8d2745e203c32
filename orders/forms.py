"""Storefront order forms: shape and types only. The checkout form is the checkout app's; the upload
form is the prescriptions app's."""

from django import forms


class CancelOrderForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)", required=False, max_length=500,
        help_text="Telling us why helps us improve; you do not have to.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
