import uuid

from django import forms


class PaymentForm(forms.Form):
    card = forms.CharField(label="Card number", max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}))
    # One per page load: a double-submitted form authorises once, a new attempt gets a new key.
    attempt_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class TestConfirmForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Confirm the payment"), ("decline", "Refuse the payment")],
                                 widget=forms.RadioSelect, label="Your bank asks you to confirm this payment")
