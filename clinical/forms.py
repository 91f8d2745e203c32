"""The pharmacist's override of clinical alerts, as a form for the admin's review page (the service decides
whether one is needed: clinical.services.check_approval)."""

from django import forms

from .checks import ClinicalOverride


class ClinicalOverrideForm(forms.Form):
    override_reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        label="Override reason (required to approve past a major or contraindicated alert)",
    )
    prescriber_contacted = forms.TypedChoiceField(
        required=False, label="Was the prescriber contacted?", empty_value=None,
        choices=[("", "Not answered"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda value: {"yes": True, "no": False}.get(value),
    )

    def override(self) -> ClinicalOverride:
        """What the pharmacist entered (empty when the form is invalid: the service then refuses)."""
        data = self.cleaned_data if self.is_valid() else {}
        return ClinicalOverride(reason=data.get("override_reason", ""),
                                prescriber_contacted=data.get("prescriber_contacted"))
