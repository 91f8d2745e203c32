from django import forms


class HealthDataConsentForm(forms.Form):
    """The explicit consent: an unticked box next to the words shown, for the revision the page showed."""

    notice_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": "Tick the box to give your explicit consent, or leave this page without consenting."
        },
    )
