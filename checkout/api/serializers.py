"""Checkout and "order again": API shapes. Input serializers check shape and types only (the rules are in
checkout.services); the placed order is shown with the orders app's OrderOutputSerializer."""

from rest_framework import serializers

from catalog.models import AnswerType
from orders.api.serializers import MAX_ID
from pharmacy.api_fields import (
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
    StrictRegexField,
)

# --- Checkout -------------------------------------------------------------------------------------


class ShippingInputSerializer(serializers.Serializer):
    full_name = StrictCharField(max_length=200, help_text="Who the parcel is for.")
    email = StrictEmailField(max_length=254, help_text="Where the order confirmation goes.")
    phone = StrictCharField(max_length=30, help_text="So our pharmacist can reach you.")
    address_line1 = StrictCharField(max_length=200)
    address_line2 = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    city = StrictCharField(max_length=100)
    postcode = StrictCharField(max_length=20)
    country = StrictRegexField(
        r"^[A-Za-z]{2}$",
        min_length=2,
        max_length=2,
        required=False,
        default="GB",
        help_text="ISO 3166-1 alpha-2 code; GB if left out.",
    )


class PatientInputSerializer(serializers.Serializer):
    is_account_holder = StrictBooleanField(
        required=False,
        default=True,
        help_text="true: the medicines are for you; false: for someone you care for (name and date of birth needed).",
    )
    name = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="The patient's full name; defaults to yours when they are you.",
    )
    date_of_birth = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Asked only where it is needed: when the patient is not you, and for a P or POM medicine, a "
        "minimum age or a medicine whose use depends on age (a 422 `patient_details_required` names them). "
        "Left out for yourself, the date in your health record is used.",
    )
    record_id = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="One of your health records (GET /api/v1/patients/): the order is for that person, with "
        "the record's name and date of birth (a different `date_of_birth` is refused: correct the record "
        "instead). A P or POM medicine needs the patient's date of birth.",
    )


class ConsultationAnswerInputSerializer(serializers.Serializer):
    question_id = StrictIntegerField(min_value=1, max_value=MAX_ID)
    answer = StrictCharField(
        max_length=1000, allow_blank=True, help_text="yes/no, one of the question's choices, or free text."
    )


class ConsultationInputSerializer(serializers.Serializer):
    sku = StrictCharField(max_length=40, help_text="A pharmacy-only (P) item in your cart.")
    answers = ConsultationAnswerInputSerializer(many=True, max_length=50)


# The checkout and "order again" take the same consent, each in its place among their fields.
def health_data_consent_field() -> StrictBooleanField:
    return StrictBooleanField(
        required=False,
        default=False,
        help_text="true: you give your explicit consent to the use of your health data, in the words of the "
        "privacy notice (GET /api/v1/me/health-data-consent/ shows them). Needed once, with the first order "
        "that reveals health data (a P or POM medicine, consultation answers, a health record or someone you "
        "care for) while no consent of yours is in force; without it such an order is a 422 "
        "`health_data_consent_required`. Ignored while your consent is in force.",
    )


def privacy_notice_version_field() -> StrictIntegerField:
    return StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="The revision of the privacy notice you showed with the consent box; a revision that is no "
        "longer in force is a 409 `privacy_notice_outdated`. The one in force if left out.",
    )


class CheckoutInputSerializer(serializers.Serializer):
    shipping = ShippingInputSerializer()
    patient = PatientInputSerializer(
        required=False,
        default=None,
        allow_null=True,
        help_text="Who the medicines are for; you, if left out. Age limits use the patient's date of birth.",
    )
    consultations = ConsultationInputSerializer(
        many=True,
        required=False,
        default=list,
        max_length=50,
        help_text="Your answers to the pharmacist's questions for each pharmacy-only (P) item; see "
        "GET /api/v1/checkout/questions/.",
    )
    prescription_id = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text="One of your prescriptions (see /api/v1/prescriptions/), needed when the cart holds a "
        "prescription-only medicine. Ignored otherwise.",
    )
    delivery_method = StrictCharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text="A code from GET /api/v1/delivery-methods/; the default method if left out.",
    )
    payment_method = StrictCharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="The card to authorise the total on: the test gateway's test card number, or a Stripe "
        "PaymentMethod id. Without it the order waits for POST /api/v1/orders/{number}/payments/.",
    )
    health_data_consent = health_data_consent_field()
    privacy_notice_version = privacy_notice_version_field()


class ReorderInputSerializer(serializers.Serializer):
    shipping = ShippingInputSerializer()
    patient = PatientInputSerializer(
        required=False, default=None, allow_null=True, help_text="Who the medicines are for; you, if left out."
    )
    consultations = ConsultationInputSerializer(
        many=True,
        required=False,
        default=list,
        max_length=50,
        help_text="Answers for any pharmacy-only (P) item already in your cart (it is checked out too).",
    )
    health_data_consent = health_data_consent_field()
    privacy_notice_version = privacy_notice_version_field()


# --- Consultation questions -------------------------------------------------------------------------


class ConsultationQuestionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    help_text = serializers.CharField()
    answer_type = serializers.ChoiceField(choices=AnswerType.choices)
    choices = serializers.ListField(
        child=serializers.CharField(),
        source="choice_list",
        help_text="The accepted answers (yes/no, or the list); empty for free text.",
    )
    required = serializers.BooleanField()


class CheckoutQuestionsOutputSerializer(serializers.Serializer):
    sku = serializers.CharField()
    description = serializers.CharField()
    minimum_age = serializers.IntegerField(allow_null=True)
    questions = ConsultationQuestionOutputSerializer(many=True)
