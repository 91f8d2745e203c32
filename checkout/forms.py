"""The checkout form: shape and types only. Whether an order may be placed is place_order's call."""

import uuid

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from delivery.forms import delivery_method_field
from patients.details import PatientDetails
from pharmacy.exceptions import DomainError
from prescriptions.forms import ACCEPTED_FILE_TYPES, upload_help_text
from prescriptions.models import Prescription

from .health_data import ConsentGiven, ConsentPrompt
from .services import CheckoutDetails

PHONE_VALIDATOR = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{5,28}$", "Enter a phone number of digits, spaces and an optional leading +."
)


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class PrescriptionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, prescription: Prescription) -> str:
        uploaded = timezone.localtime(prescription.uploaded_at)
        label = f"{prescription.original_filename}, uploaded {uploaded:%d %b %Y %H:%M}: "
        label += prescription.get_status_display()
        if prescription.valid_until:
            label += f", valid until {prescription.valid_until:%d %b %Y}"
        return label


def _question_field(question) -> forms.Field:
    """One consultation question as a form field: yes/no and lists as radio buttons, text as a text box."""
    options = {"label": question.text, "required": question.required, "help_text": question.help_text}
    if question.answer_type == "text":
        return forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), **options)
    choices = [(choice, choice.capitalize() if question.answer_type == "yes_no" else choice)
               for choice in question.choice_list]
    return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)


class CheckoutForm(forms.Form):
    """Delivery and contact details, the prescription (for carts with prescription-only lines) and the
    idempotency key that makes a double-clicked "Place order" place one order."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    full_name = forms.CharField(label="Full name", max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        label="E-mail address", max_length=254, help_text="We send the order confirmation and leaflets here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label="Phone number", max_length=30, validators=[PHONE_VALIDATOR],
        help_text="Our pharmacist may call you about your medicines.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    address_line1 = forms.CharField(label="Address line 1", max_length=200,
                                    widget=forms.TextInput(attrs={"autocomplete": "address-line1"}))
    address_line2 = forms.CharField(
        label="Address line 2 (optional)", max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(label="Town or city", max_length=100,
                           widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    postcode = forms.CharField(label="Postcode", max_length=20,
                               widget=forms.TextInput(attrs={"autocomplete": "postal-code"}))
    prescription = PrescriptionChoiceField(
        label="Use a prescription already in your account", queryset=Prescription.objects.none(),
        required=False, blank=True, empty_label="No, upload a new prescription file",
        widget=forms.RadioSelect,
    )
    prescription_file = forms.FileField(
        label="Prescription file", required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPTED_FILE_TYPES}),
    )

    patient_for = forms.ChoiceField(
        label="Who are the medicines for?", choices=[("me", "Me"), ("other", "Someone I care for (e.g. my child)")],
        initial="me", widget=forms.RadioSelect, required=False,
    )
    patient_name = forms.CharField(label="Patient's full name", max_length=200, required=False,
                                   help_text="Leave empty if the medicines are for you.")
    patient_date_of_birth = forms.DateField(
        label="Patient's date of birth", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Some medicines have a minimum age; our pharmacist checks it against the patient's age.",
    )
    patient_record = forms.TypedChoiceField(
        label="Or choose the health record of someone you care for", coerce=int, empty_value=None,
        required=False, widget=forms.RadioSelect,
        help_text="Their record gives their name and date of birth; manage records under “Health records”.",
    )

    # Fields refusals from place_order/submit_prescription may name, and where the form shows them.
    REFUSAL_FIELDS = {"file": "prescription_file"}

    def __init__(self, *args, usable_prescriptions=None, prescription_required: bool = False,
                 consultation_lines=(), delivery_methods=(), subtotal=None, health_records=(),
                 consent_prompt: ConsentPrompt | None = None, date_of_birth_needed_for=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Asked only where a medicine needs it (checkout.services.lines_needing_date_of_birth): the help
        # says for which, or that the shopper's own is not needed.
        self.date_of_birth_needed_for = list(date_of_birth_needed_for)
        if self.date_of_birth_needed_for:
            self.fields["patient_date_of_birth"].help_text = (
                f"Needed for {'; '.join(self.date_of_birth_needed_for)}: we check these medicines against the "
                "patient's age. For you, the date in your health record is used if you leave it empty."
            )
        else:
            self.fields["patient_date_of_birth"].label = "Patient's date of birth (only for someone you care for)"
            self.fields["patient_date_of_birth"].help_text = (
                "Only for someone you care for: the medicines in your cart do not depend on your age, so we "
                "do not ask for yours."
            )
        # The health-data consent box, unticked, for a shopper without a consent in force; place_order
        # decides whether the order needs it. The revision shown travels with the form, so a notice
        # published in between is refused rather than consented to unseen.
        self.consent_prompt = consent_prompt
        if consent_prompt is not None:
            self.fields["health_data_consent"] = forms.BooleanField(
                label="Health-data consent", required=False, initial=False,  # the page shows the words
                help_text="Needed for pharmacy and prescription medicines, answers to our pharmacist's questions, "
                          "and orders for someone you care for. You can withdraw it at any time on your "
                          "account's privacy page.",
            )
            self.fields["privacy_notice_version"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=consent_prompt.notice_number, required=False, min_value=1,
            )
        if delivery_methods:  # none configured: no choice, and delivery is free
            self.fields["delivery_method"] = delivery_method_field(list(delivery_methods), subtotal=subtotal)
        # [(record id, name), ...]: saved records of people the shopper cares for (patients).
        if health_records:
            self.fields["patient_record"].choices = [("", "None: as answered above"), *health_records]
        else:
            del self.fields["patient_record"]
        self.prescription_required = prescription_required
        # [(cart line, [(field name, question), ...]), ...]: the questions of each pharmacy-only (P) line.
        self.consultations = []
        for line, questions in consultation_lines:
            named = []
            for question in questions:
                name = f"consult_{line.pack.sku}_{question.pk}"
                self.fields[name] = _question_field(question)
                named.append((name, question))
            self.consultations.append((line, named))
        # A missing or altered key cannot be trusted to dedupe; give the re-rendered form a fresh one.
        self.stale_key = self.is_bound and not _is_uuid(self.data.get("idempotency_key"))
        if self.stale_key:
            self.data = self.data.copy()
            self.data["idempotency_key"] = self.new_idempotency_key()
        self.fields["prescription_file"].help_text = upload_help_text()
        if not prescription_required:
            del self.fields["prescription"]
            del self.fields["prescription_file"]
        elif usable_prescriptions is None or not usable_prescriptions.exists():
            del self.fields["prescription"]
        else:
            self.fields["prescription"].queryset = usable_prescriptions

    @property
    def has_prescription_choices(self) -> bool:
        return "prescription" in self.fields

    def clean(self):
        cleaned = super().clean()
        if self.stale_key:
            self.add_error(None, "This checkout form had expired. Check your details and press “Place order” "
                                 "again.")
        if cleaned.get("prescription") and cleaned.get("prescription_file"):
            self.add_error(
                "prescription_file",
                "You chose a prescription from your account and a new file. Choose one of them: select "
                "“No, upload a new prescription file” to upload, or leave the file empty.",
            )
        return cleaned

    def checkout_details(self) -> CheckoutDetails:
        data = self.cleaned_data
        return CheckoutDetails(
            full_name=data["full_name"], email=data["email"], phone=data["phone"],
            address_line1=data["address_line1"], address_line2=data["address_line2"],
            city=data["city"], postcode=data["postcode"],
        )

    def patient(self) -> PatientDetails:
        data = self.cleaned_data
        return PatientDetails(
            name=data.get("patient_name", ""), date_of_birth=data.get("patient_date_of_birth"),
            is_account_holder=data.get("patient_for") != "other", record_id=data.get("patient_record"),
        )

    def consent_given(self) -> ConsentGiven | None:
        """The consent ticked with this order, to the revision the page showed; None when not ticked."""
        if not self.cleaned_data.get("health_data_consent"):
            return None
        shown = self.cleaned_data.get("privacy_notice_version") or self.consent_prompt.notice_number
        return ConsentGiven(interface="storefront", notice_number=shown)

    def delivery_method_code(self) -> str | None:
        return self.cleaned_data.get("delivery_method") or None

    def consultation_answers(self) -> dict:
        return {
            line.pack.sku: {question.pk: self.cleaned_data.get(name) or "" for name, question in named}
            for line, named in self.consultations
        }

    def consultation_fields(self):
        """For the template: [(cart line, [bound field, ...]), ...]."""
        return [(line, [self[name] for name, _ in named]) for line, named in self.consultations]

    def add_refusal(self, refusal: DomainError) -> None:
        """Show a service's refusals (every one it found) next to the fields they concern, or at the top."""
        for error in refusal.every_error:
            self._add_one_refusal(error)

    def _add_one_refusal(self, refusal: DomainError) -> None:
        field = self.REFUSAL_FIELDS.get(refusal.field, refusal.field)
        if field and field.startswith("consultations."):
            _, sku, question_id = field.split(".", 2)
            field = f"consult_{sku}_{question_id}"
        if field == "prescription" and not self.has_prescription_choices:
            field = "prescription_file"
        self.add_error(field if field in self.fields else None, refusal.message)

    @staticmethod
    def new_idempotency_key() -> str:
        return str(uuid.uuid4())
