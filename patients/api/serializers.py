"""Health records in the API: the shopper's own (read and write), and the summary a pharmacist sees on
an order under review. Input serializers check shape only; patients.services holds the rules."""

from rest_framework import serializers

from patients.vocabulary import AllergyClass, Condition, Sex
from pharmacy.api_fields import StrictCharField, StrictIntegerField

MAX_CHOICES = 50


class HealthRecordInputSerializer(serializers.Serializer):
    name = StrictCharField(max_length=200, help_text="The patient's full name.")
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="Needed before ordering a pharmacy (P) or prescription-only (POM) medicine.",
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True, default="")
    pregnant = serializers.BooleanField(required=False, default=False)
    pregnancy_weeks = StrictIntegerField(required=False, allow_null=True, default=None, min_value=1,
                                         max_value=42, help_text="Only when pregnant.")
    breastfeeding = serializers.BooleanField(required=False, default=False)
    conditions = serializers.ListField(child=serializers.ChoiceField(choices=Condition.choices), required=False,
                                       default=list, max_length=MAX_CHOICES)
    allergy_classes = serializers.ListField(
        child=serializers.ChoiceField(choices=AllergyClass.choices), required=False, default=list,
        max_length=MAX_CHOICES, help_text="Groups of medicines the patient is allergic to.",
    )
    allergy_ingredients = serializers.ListField(
        child=StrictCharField(max_length=150), required=False, default=list, max_length=MAX_CHOICES,
        help_text="Ingredients the patient is allergic to, by name (any case), e.g. \"Ibuprofen\".",
    )
    other_medicines = serializers.ListField(
        child=StrictCharField(max_length=150), required=False, default=list, max_length=MAX_CHOICES,
        help_text="Ingredients of other medicines the patient takes, by name (any case).",
    )
    other_medicines_text = StrictCharField(
        max_length=1000, required=False, allow_blank=True, default="",
        help_text="Other medicines in your own words, for our pharmacist.",
    )


class HealthRecordOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    is_account_holder = serializers.BooleanField(help_text="true: your own record, which cannot be removed.")
    date_of_birth = serializers.DateField(allow_null=True)
    sex = serializers.ChoiceField(choices=[("", "Not recorded"), *Sex.choices])
    pregnant = serializers.BooleanField()
    pregnancy_weeks = serializers.IntegerField(allow_null=True)
    breastfeeding = serializers.BooleanField()
    conditions = serializers.ListField(child=serializers.ChoiceField(choices=Condition.choices))
    allergy_classes = serializers.ListField(child=serializers.ChoiceField(choices=AllergyClass.choices))
    allergy_ingredients = serializers.SerializerMethodField()
    other_medicines = serializers.SerializerMethodField()
    other_medicines_text = serializers.CharField()
    updated_at = serializers.DateTimeField()

    def get_allergy_ingredients(self, patient) -> list[str]:
        return [ingredient.name for ingredient in patient.allergy_ingredients.all()]

    def get_other_medicines(self, patient) -> list[str]:
        return [ingredient.name for ingredient in patient.other_medicines.all()]


class SupplyOutputSerializer(serializers.Serializer):
    supplied_on = serializers.DateTimeField(help_text="When the order was placed.")
    order_number = serializers.CharField()
    description = serializers.CharField()
    quantity = serializers.IntegerField(help_text="Packs.")
    status = serializers.CharField()
    ingredients = serializers.ListField(child=serializers.CharField())


class HealthRecordSummaryOutputSerializer(serializers.Serializer):
    """The patient's record as the pharmacist reviewing an order sees it (each view is logged)."""

    record_id = serializers.IntegerField()
    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    age = serializers.IntegerField(allow_null=True)
    sex = serializers.CharField()
    pregnant = serializers.BooleanField()
    pregnancy_weeks = serializers.IntegerField(allow_null=True)
    breastfeeding = serializers.BooleanField()
    conditions = serializers.ListField(child=serializers.CharField())
    allergies = serializers.ListField(child=serializers.CharField())
    other_medicines = serializers.ListField(child=serializers.CharField())
    other_medicines_text = serializers.CharField()
    medication_history = SupplyOutputSerializer(many=True)
