"""The storefront's health record form: plain fields and checkboxes, no JavaScript needed. It checks
shapes; patients.services checks the rules and its refusals are shown next to the field they name."""

from django import forms

from catalog.names import allergy_group_suggestions, brand_suggestions
from pharmacy.exceptions import DomainError

from .models import MAX_PREGNANCY_WEEKS, Patient
from .services import HealthRecordDetails
from .vocabulary import AllergyClass, Condition, Sex


def _choices(names) -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(dict.fromkeys(names), key=str.lower)]


class HealthRecordForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    date_of_birth = forms.DateField(  # an <input type="date"> reads ISO dates only, never the locale's
        label="Date of birth", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="Needed before ordering a pharmacy or prescription medicine.",
    )
    sex = forms.ChoiceField(label="Sex", choices=[("", "Not recorded"), *Sex.choices], required=False,
                            widget=forms.RadioSelect)
    pregnant = forms.BooleanField(label="Pregnant", required=False)
    pregnancy_weeks = forms.IntegerField(label="Weeks of pregnancy (optional)", required=False, min_value=1,
                                         max_value=MAX_PREGNANCY_WEEKS)
    breastfeeding = forms.BooleanField(label="Breastfeeding", required=False)
    conditions = forms.MultipleChoiceField(label="Conditions", choices=Condition.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    allergy_classes = forms.MultipleChoiceField(
        label="Allergic to these groups of medicines", choices=AllergyClass.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    allergy_ingredients = forms.MultipleChoiceField(
        label="Allergic to these ingredients", required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Hold Ctrl (or Cmd) to choose more than one.",
    )
    other_medicines = forms.MultipleChoiceField(
        label="Other medicines taken (by ingredient)", required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Include medicines from your doctor or bought elsewhere. Hold Ctrl (or Cmd) to choose more than one.",
    )
    other_medicines_text = forms.CharField(
        label="Other medicines in your own words (optional)", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything not in the list above, such as an inhaler or a herbal remedy. Our pharmacist reads it.",
    )

    def __init__(self, *args, ingredient_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Pharmacists' names too: brands ("Nurofen") for both, groups ("NSAIDs") for allergies (catalog.names).
        ingredients = list(ingredient_names)
        self.fields["allergy_ingredients"].choices = _choices([*ingredients, *brand_suggestions(),
                                                               *allergy_group_suggestions()])
        self.fields["other_medicines"].choices = _choices([*ingredients, *brand_suggestions()])

    @staticmethod
    def initial_for(patient: Patient) -> dict:
        return {
            "name": patient.name, "date_of_birth": patient.date_of_birth, "sex": patient.sex,
            "pregnant": patient.pregnant, "pregnancy_weeks": patient.pregnancy_weeks,
            "breastfeeding": patient.breastfeeding, "conditions": patient.conditions,
            "allergy_classes": patient.allergy_classes,
            "allergy_ingredients": [i.name for i in patient.allergy_ingredients.all()],
            "other_medicines": [i.name for i in patient.other_medicines.all()],
            "other_medicines_text": patient.other_medicines_text,
        }

    def details(self) -> HealthRecordDetails:
        return HealthRecordDetails(**self.cleaned_data)

    def add_refusal(self, refusal: DomainError) -> None:
        self.add_error(refusal.field if refusal.field in self.fields else None, refusal.message)
