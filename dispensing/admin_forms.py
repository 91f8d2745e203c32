"""Forms of the pharmacist's review page in the admin. They check input only; the services decide."""

from decimal import Decimal

from django import forms

from catalog.models import Pack
from orders.refusals import RefusalReason
from prescriptions.models import MAX_EVERY_DAYS, DoseUnit
from prescriptions.services import AuthorisedItem, DispensingRecord


class DispensingRecordForm(forms.Form):
    prescriber_name = forms.CharField(max_length=200, label="Prescriber's name")
    prescriber_registration = forms.CharField(
        max_length=50, label="Prescriber's registration number", help_text="e.g. GMC number (7 digits)"
    )
    # Required by the service (prescriptions.services.prescriptions.validate_dispensing_record), which decides for
    # the API too; its refusal is shown next to the field.
    prescriber_address = forms.CharField(max_length=300, required=False, label="Prescriber's address")
    patient_name = forms.CharField(max_length=200, required=False, label="Patient's name on the prescription")
    patient_date_of_birth = forms.DateField(
        required=False,
        label="Patient's date of birth on the prescription",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="It must be the order's patient; every later order against this prescription is checked "
        "against them.",
    )
    issued_on = forms.DateField(label="Date of issue", widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label="Valid until",
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text="Leave empty for six months from the date of issue (28 days for a Schedule 2 to 4 controlled "
        "drug). For a repeatable prescription: the date the first issue must be by.",
    )
    repeatable = forms.BooleanField(
        required=False,
        label="Repeatable",
        help_text="The prescriber marked it repeatable (never for Schedule 2 or 3 drugs).",
    )
    issues_authorised = forms.IntegerField(
        required=False,
        min_value=2,
        max_value=99,
        label="Issues authorised in all",
        help_text="The first included. Leave empty if no number is stated: twice (oral contraceptives six times).",
    )
    repeat_interval_days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, label="Fewest days between issues"
    )
    note = forms.CharField(required=False, label="Note for the record", widget=forms.Textarea(attrs={"rows": 2}))

    def add_refusal(self, refusal) -> bool:
        """Show the service's refusal next to the field it names; False when it names none of ours."""
        if refusal.field not in self.fields:
            return False
        self.add_error(refusal.field, refusal.message)
        return True


class AuthorisedItemForm(forms.Form):
    pack = forms.ModelChoiceField(
        queryset=Pack.objects.filter(product__legal_category="prescription")
        .select_related("product")
        .prefetch_related("strengths__ingredient"),
        label="Medicine",
    )
    quantity = forms.IntegerField(min_value=1, max_value=100000, label="Quantity authorised (units)")
    directions = forms.CharField(max_length=300, required=False)
    # Structured directions: the clinical checks compute the daily dose from them.
    dose = forms.DecimalField(required=False, min_value=Decimal("0.001"), max_digits=10, decimal_places=3)
    dose_unit = forms.ChoiceField(required=False, choices=[("", "-"), *DoseUnit.choices], label="Dose unit")
    times_per_day = forms.IntegerField(required=False, min_value=1, max_value=24, label="Times a day")
    every_days = forms.IntegerField(required=False, min_value=1, max_value=MAX_EVERY_DAYS, initial=1,
                                    label="Every … days", help_text="1: every day; 7: once a week.")
    as_directed = forms.BooleanField(required=False, label="As directed")


AuthorisedItemFormSet = forms.formset_factory(AuthorisedItemForm, extra=1, min_num=1, validate_min=True)


def dispensing_record_from_forms(record_form: DispensingRecordForm, items: forms.BaseFormSet) -> DispensingRecord:
    data = record_form.cleaned_data
    return DispensingRecord(
        prescriber_name=data["prescriber_name"],
        prescriber_registration=data["prescriber_registration"],
        issued_on=data["issued_on"],
        valid_until=data.get("valid_until"),  # None: the service counts it from the date of issue
        prescriber_address=data.get("prescriber_address", ""),
        patient_name=data.get("patient_name", ""),
        patient_date_of_birth=data.get("patient_date_of_birth"),
        repeatable=data.get("repeatable", False),
        issues_authorised=data.get("issues_authorised") if data.get("repeatable") else None,
        repeat_interval_days=data.get("repeat_interval_days") if data.get("repeatable") else None,
        items=[
            AuthorisedItem(
                pack=item["pack"],
                quantity=item["quantity"],
                directions=item.get("directions", ""),
                dose=item.get("dose"),
                dose_unit=item.get("dose_unit", ""),
                times_per_day=item.get("times_per_day"),
                every_days=item.get("every_days") or 1,
                as_directed=item.get("as_directed", False),
            )
            for item in items.cleaned_data
            if item and not item.get("DELETE")
        ],
    )


STAFF_NOTE_LABEL = "Note for the record (staff only)"
SHOPPER_REASON_HELP = "The shopper reads this text, nothing else; say anything more in the note."


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason the shopper is told", choices=RefusalReason.choices, help_text=SHOPPER_REASON_HELP
    )
    note = forms.CharField(
        label=STAFF_NOTE_LABEL, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class LineDecisionForm(forms.Form):
    """The pharmacist's decision on one pharmacy-only (P) line; a listed reason is required to refuse (service)."""

    line = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label="Reason the shopper is told, to refuse",
        required=False,
        choices=[("", "---------"), *RefusalReason.choices],
        help_text=SHOPPER_REASON_HELP,
    )
    note = forms.CharField(
        label=STAFF_NOTE_LABEL, required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApproveWithoutPrescriptionForm(forms.Form):
    note = forms.CharField(
        required=False, label="Note for the record", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class OriginalReceivedForm(forms.Form):
    matches = forms.TypedChoiceField(
        label="Does the original match what was approved?",
        coerce=lambda value: value == "yes",
        choices=[
            ("yes", "Yes: same prescriber, patient, medicines, strengths and quantities"),
            ("no", "No: reopen the review"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Note",
        help_text="Required when it does not match: say what differs.",
    )


class ElectronicVerifiedForm(forms.Form):
    electronic_prescription_id = forms.CharField(
        max_length=40,
        label="Electronic prescription ID",
        help_text="As the prescribing service shows it, e.g. 3F1A2B-A83008-4E1D5Q. You are recorded as the "
        "pharmacist who checked it.",
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="How it was retrieved and verified",
    )
