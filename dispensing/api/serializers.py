"""The pharmacist's review and staff dispatch over the API: input serializers only validate and shape
what the services take; output serializers read rows the selectors have shaped."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinical.serializers import OrderAlertOutputSerializer
from orders.api.serializers import OrderLineOutputSerializer, OrderOutputSerializer
from orders.models import OrderStatus
from orders.refusals import RefusalReason
from patients.api.serializers import HealthRecordSummaryOutputSerializer
from pharmacy.api_fields import StrictCharField, StrictIntegerField
from prescriptions.api.serializers import PharmacistPrescriptionOutputSerializer
from prescriptions.models import MAX_EVERY_DAYS, DoseUnit
from prescriptions.services.repeats import get_repeat_history
from safeguards.api.serializers import OrderFlagOutputSerializer


class CustomerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()


class ReviewOrderLineOutputSerializer(OrderLineOutputSerializer):
    staff_note = serializers.CharField(
        source="decision_reason", help_text="The pharmacist's note on the decision (staff only)."
    )

    def to_representation(self, line) -> dict:
        data = super().to_representation(line)
        if not self.context.get("health_details_shown"):
            data["consultation_answers"] = []  # a health detail: the order's detail, for entitled staff only
        return data


class ReviewOrderOutputSerializer(OrderOutputSerializer):
    customer = CustomerOutputSerializer(source="user")
    lines = ReviewOrderLineOutputSerializer(
        many=True, help_text="consultation_answers are empty in lists and for staff who may not see health records."
    )
    prescription = PharmacistPrescriptionOutputSerializer(allow_null=True)
    approved_by_registration = serializers.CharField(
        help_text="The approving pharmacist's GPhC registration number; blank until approved."
    )
    flags = OrderFlagOutputSerializer(
        source="safeguard_flags",
        many=True,
        help_text="Warning flags: purchase limits passed, accounts sharing an address, phone or card.",
    )
    clinical_alerts = OrderAlertOutputSerializer(
        many=True,
        help_text="Every clinical alert, most recent last: in one order's detail, for staff who may see "
        "health records (the view is logged); empty in lists and for other staff.",
    )

    health_record = serializers.SerializerMethodField(
        help_text="The patient's health record and medication history (one order's detail only; each view "
        "is logged). null in lists, for orders placed before records, and for staff who may not see it."
    )

    def to_representation(self, order) -> dict:
        data = super().to_representation(order)
        if not self.context.get("health_details_shown"):
            data["clinical_alerts"] = []  # alert subjects say pregnancy, allergies, conditions
        return data

    @extend_schema_field(HealthRecordSummaryOutputSerializer(allow_null=True))
    def get_health_record(self, order):
        summary = self.context.get("health_record")
        if summary is None or summary.record_id != order.patient_record_id:
            return None
        return HealthRecordSummaryOutputSerializer(summary).data


class IssueOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="Its place among the live issues, 1 to issues_allowed.")
    order_number = serializers.CharField()
    order_status = serializers.ChoiceField(choices=OrderStatus.choices)
    issued_at = serializers.DateTimeField(help_text="When the order was placed; the interval runs from here.")
    is_live = serializers.BooleanField(help_text="false: its order was cancelled or rejected, freeing the issue.")
    is_this_order = serializers.BooleanField()


class RepeatHistoryOutputSerializer(serializers.Serializer):
    issue_number = serializers.IntegerField(
        allow_null=True,
        help_text="This order's issue (n of issues_allowed); null until the pharmacist approves "
        "the order that brought the prescription in.",
    )
    issues_allowed = serializers.IntegerField()
    interval_days = serializers.IntegerField(source="status.interval_days")
    next_issue_on = serializers.DateField(source="status.next_issue_on", allow_null=True)
    repeats_end_on = serializers.DateField(source="status.repeats_end_on")
    issues = IssueOutputSerializer(many=True, help_text="Every issue, oldest first, freed ones included.")


class ReviewOrderDetailOutputSerializer(ReviewOrderOutputSerializer):
    repeat = serializers.SerializerMethodField(
        help_text="For an order on an approved repeatable prescription: which issue it is, and the earlier ones."
    )

    @extend_schema_field(RepeatHistoryOutputSerializer(allow_null=True))
    def get_repeat(self, order) -> dict | None:
        history = get_repeat_history(order=order)
        return None if history is None else RepeatHistoryOutputSerializer(history).data


class AuthorisedItemInputSerializer(serializers.Serializer):
    sku = StrictCharField(max_length=40, help_text="The pack prescribed (medicine, strength and form).")
    quantity = StrictIntegerField(
        min_value=1,
        max_value=100_000,
        help_text="Dosage units authorised (tablets, capsules, mL), not packs.",
    )
    directions = StrictCharField(max_length=300, required=False, allow_blank=True, default="")
    dose = serializers.DecimalField(
        max_digits=10,
        decimal_places=3,
        min_value=Decimal("0.001"),
        required=False,
        allow_null=True,
        default=None,
        help_text="Structured directions: the dose.",
    )
    dose_unit = serializers.ChoiceField(choices=DoseUnit.choices, required=False, allow_blank=True, default="")
    times_per_day = StrictIntegerField(min_value=1, max_value=24, required=False, allow_null=True, default=None)
    every_days = StrictIntegerField(
        min_value=1, max_value=MAX_EVERY_DAYS, required=False, default=1,
        help_text="Structured directions: days from one dosing day to the next (1 every day, 7 once a week).",
    )
    as_directed = serializers.BooleanField(required=False, default=False)


class ClinicalOverrideInputSerializer(serializers.Serializer):
    """Needed to approve past a major or contraindicated clinical alert (422 clinical_override_required)."""

    override_reason = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    prescriber_contacted = serializers.BooleanField(required=False, allow_null=True, default=None)


# "valid until" may be left out: the service counts it from the date of issue.
RECORD_FIELDS = ("prescriber_name", "prescriber_registration", "issued_on", "items")


class ApproveOrderInputSerializer(ClinicalOverrideInputSerializer):
    """The dispensing record, needed when the order's prescription has not been checked yet (all of
    its fields, or none when the prescription was already approved for an earlier order)."""

    prescriber_name = StrictCharField(max_length=200, required=False)
    prescriber_registration = StrictCharField(max_length=50, required=False, help_text="e.g. GMC number (7 digits)")
    issued_on = serializers.DateField(required=False)
    valid_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out for the longest the law allows: six months from the date of issue (28 days for a "
        "Schedule 2 to 4 controlled drug).",
    )
    prescriber_address = StrictCharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed with the dispensing record: the prescription register records it.",
    )
    patient_name = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed with the dispensing record: the patient the prescription names, which must be the "
        "order's patient. Every later order against the prescription must be for them.",
    )
    patient_date_of_birth = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Needed with the dispensing record: the patient's date of birth as the prescription gives it.",
    )
    items = AuthorisedItemInputSerializer(many=True, required=False, min_length=1, max_length=50)
    repeatable = serializers.BooleanField(
        required=False, default=False, help_text="With the dispensing record: the prescriber marked it repeatable."
    )
    issues_authorised = StrictIntegerField(
        min_value=2,
        max_value=99,
        required=False,
        allow_null=True,
        default=None,
        help_text="Times it may be dispensed in all, the first included; null: the UK default (2, or 6 for oral "
        "contraceptives).",
    )
    repeat_interval_days = StrictIntegerField(
        min_value=1,
        max_value=3650,
        required=False,
        allow_null=True,
        default=None,
        help_text="Needed when repeatable: the fewest days between issues.",
    )
    note = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Shown in the order's history.",
    )

    def validate(self, data: dict) -> dict:
        given = [name for name in RECORD_FIELDS if name in data]
        if given and len(given) != len(RECORD_FIELDS):
            missing = [name for name in RECORD_FIELDS if name not in data]
            raise serializers.ValidationError(
                {name: ["Give the whole dispensing record, or none of it."] for name in missing},
                code="required",
            )
        return data


REFUSAL_REASONS_HELP = "; ".join(f"`{code}`: {label}" for code, label in RefusalReason.choices)


class RejectOrderInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=RefusalReason.choices,
        help_text="Why the order cannot be supplied, from the fixed list; the shopper reads its plain text "
        f"(and is e-mailed to see their order page). {REFUSAL_REASONS_HELP}",
    )
    note = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="For the record: staff only, never shown to the shopper.",
    )


class LineDecisionInputSerializer(ClinicalOverrideInputSerializer):
    decision = serializers.ChoiceField(choices=["approve", "refuse"])
    reason = serializers.ChoiceField(
        choices=RefusalReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to refuse: the reason from the fixed list whose plain text the shopper reads.",
    )
    note = StrictCharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="For the record: staff only, never shown to the shopper.",
    )


class ExtendDeadlineInputSerializer(serializers.Serializer):
    until = serializers.DateTimeField(help_text="The new deadline; later than the current one.")
    reason = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class OriginalReceivedInputSerializer(serializers.Serializer):
    matches = serializers.BooleanField(
        help_text="Does the paper original match what was approved? false reopens the review."
    )
    note = StrictCharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when matches is false: what differs.",
    )


class ElectronicVerifiedInputSerializer(serializers.Serializer):
    electronic_prescription_id = StrictCharField(
        min_length=6,
        max_length=40,
        help_text="The prescribing service's identifier of the electronic prescription retrieved and verified, "
        "e.g. 3F1A2B-A83008-4E1D5Q (letters, digits and dashes).",
    )
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")


# --- Dispatch (staff) --------------------------------------------------------------------------------


class ReleaseBlockerOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable name of the unmet condition, e.g. payment_not_captured.")
    message = serializers.CharField()


class OrderReleaseOutputSerializer(serializers.Serializer):
    """An order as the release gate sees it: what still stops it being dispatched."""

    number = serializers.CharField()
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    may_be_dispatched = serializers.BooleanField(help_text="True when no condition is unmet.")
    blockers = ReleaseBlockerOutputSerializer(many=True, help_text="Every release condition still unmet.")


class DispatchOrderInputSerializer(serializers.Serializer):
    note = StrictCharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Recorded in the order's history, e.g. the parcel's tracking number.",
    )
