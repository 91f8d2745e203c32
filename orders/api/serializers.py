"""Orders, checkout and review: API shapes. Input serializers check shape and types
only (the rules are in orders.services); output serializers read rows the selectors have shaped, so
none of them queries per row."""


from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import MoneyOutputSerializer
from catalog.models import AnswerType, LegalCategory
from clinical.serializers import OrderAdviceOutputSerializer
from orders.models import LineDecision, OrderEvent, OrderStatus
from orders.refusals import RefusalReason, shopper_event_reason
from orders.services.originals import is_waiting_for_original
from payments.api.serializers import PaymentOutputSerializer
from payments.receipts import payment_status_text
from pharmacy.api_fields import StrictCharField

MAX_ID = 2**63 - 1  # ids are 64-bit; larger numbers are invalid input, not a server error
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,100}$"  # 1-100 printable ASCII characters, e.g. a UUID
ORDER_NUMBER_PATTERN = r"[A-Z0-9-]{1,20}"  # also the URL converter's (orders/api/urls.py)


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request else url


# --- Orders ---------------------------------------------------------------------------------------


class LeafletRevisionReferenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="Revision number of the product's leaflet.")
    revised_on = serializers.DateField()
    url = serializers.SerializerMethodField(help_text="The full leaflet, as the shopper received it.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, revision) -> str:
        return _absolute(
            self.context.get("request"), reverse("api:leaflet-detail", kwargs={"revision_id": revision.pk})
        )


class ConsultationAnswerOutputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    question = serializers.CharField(help_text="The question's text as it was asked.")
    answer_type = serializers.ChoiceField(choices=AnswerType.choices)
    answer = serializers.CharField()


class OrderLineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    description = serializers.CharField(help_text="e.g. Baclofen 10 mg tablets, 84 tablets")
    strength = serializers.CharField()
    dosage_form = serializers.CharField()
    quantity = serializers.IntegerField(help_text="Number of packs.")
    unit_price = MoneyOutputSerializer(help_text="Including VAT.")
    line_total = MoneyOutputSerializer(help_text="Including VAT.")
    vat_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4,
        help_text="e.g. \"0.2000\". 0 for a prescription-only medicine dispensed on a prescription (zero-rated).",
    )
    vat = MoneyOutputSerializer(help_text="The VAT within line_total, rounded per line.")
    legal_category = serializers.ChoiceField(choices=LegalCategory.choices)
    prescription_required = serializers.BooleanField()
    leaflet_revision = LeafletRevisionReferenceOutputSerializer(
        help_text="The patient information leaflet revision in force when the order was placed."
    )
    decision = serializers.ChoiceField(
        choices=LineDecision.choices,
        help_text="The pharmacist's decision on a P or POM line: pending, approved or refused; empty for "
        "general sale.",
    )
    decision_reason = serializers.CharField(
        source="shopper_refusal_reason",
        help_text="Why the pharmacist refused this item: the plain text of refusal_reason, one of a fixed list; "
        "empty unless refused. The pharmacist's own note is never shown to the shopper.",
    )
    refusal_reason = serializers.ChoiceField(
        choices=RefusalReason.choices, source="refusal_code", allow_blank=True,
        help_text="The code of the reason the pharmacist chose when refusing; empty unless refused.",
    )
    decided_at = serializers.DateTimeField(allow_null=True)
    consultation_answers = ConsultationAnswerOutputSerializer(
        many=True, help_text="Your answers to the pharmacist's questions, as asked."
    )


class OrderEventOutputSerializer(serializers.Serializer):
    from_status = serializers.ChoiceField(
        choices=OrderStatus.choices, allow_null=True, help_text="null for the order being placed."
    )
    to_status = serializers.ChoiceField(choices=OrderStatus.choices)
    at = serializers.DateTimeField(source="created_at")
    reason = serializers.SerializerMethodField(
        help_text="Why: the shopper's own words, the system's, or a fixed text for a change the pharmacy made "
        "(the pharmacist's view: what staff recorded)."
    )
    by = serializers.SerializerMethodField(
        help_text="Who made the change: you (the shopper; `shopper` in the pharmacist's view), "
        "pharmacist, staff or system."
    )

    def to_representation(self, event: OrderEvent) -> dict:
        data = super().to_representation(event)
        data["from_status"] = data["from_status"] or None
        return data

    def get_reason(self, event: OrderEvent) -> str:
        if self.context.get("for_pharmacist"):
            return event.reason
        return shopper_event_reason(event, order_user_id=event.order.user_id)

    @extend_schema_field({"type": "string", "enum": ["you", "shopper", "pharmacist", "staff", "system"]})
    def get_by(self, event: OrderEvent) -> str:
        # A role, never the person: shoppers do not see which staff member acted.
        if event.actor_id is None:
            return "system"
        if event.actor_id == event.order.user_id:
            return "shopper" if self.context.get("for_pharmacist") else "you"
        if event.from_status == OrderStatus.AWAITING_REVIEW and event.to_status in (
            OrderStatus.APPROVED,
            OrderStatus.REJECTED,
        ):
            return "pharmacist"  # orders.services lets only pharmacists make these two moves
        return "staff"


class ShippingOutputSerializer(serializers.Serializer):
    full_name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    address_line1 = serializers.CharField()
    address_line2 = serializers.CharField()
    city = serializers.CharField()
    postcode = serializers.CharField()
    country = serializers.CharField()


class PatientOutputSerializer(serializers.Serializer):
    name = serializers.CharField(source="patient_name")
    date_of_birth = serializers.DateField(source="patient_date_of_birth", allow_null=True)
    is_account_holder = serializers.BooleanField(source="patient_is_account_holder")


class OrderDeliveryOutputSerializer(serializers.Serializer):
    method = serializers.SerializerMethodField(
        help_text="The delivery method's code; null for orders placed before delivery was charged.",
    )
    name = serializers.CharField(source="delivery_method_name", help_text="As chosen at checkout.")
    amount = MoneyOutputSerializer(source="delivery", help_text="Including VAT; 0.00 when free.")
    vat = MoneyOutputSerializer(source="delivery_vat", help_text="The VAT within the charge (it follows "
                                "the goods' rates).")

    @extend_schema_field({"type": "string", "nullable": True})
    def get_method(self, order) -> str | None:
        return order.delivery_method.code if order.delivery_method_id else None


class OrderOutputSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="e.g. PH-7K3M9QXA")
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    placed_at = serializers.DateTimeField(source="created_at")
    subtotal = MoneyOutputSerializer(help_text="The lines, including VAT.")
    delivery = OrderDeliveryOutputSerializer(source="*")
    vat = MoneyOutputSerializer(help_text="The VAT within the total: the lines' and the delivery's.")
    total = MoneyOutputSerializer(help_text="subtotal + delivery.amount, including VAT.")
    prescription_required = serializers.BooleanField(source="requires_prescription")
    prescription_id = serializers.IntegerField(allow_null=True)
    can_cancel = serializers.BooleanField(source="is_cancellable_by_shopper")
    waiting_reason = serializers.CharField(help_text="Why the order waits for a pharmacist; empty when it does not.")
    review_deadline = serializers.DateTimeField(
        allow_null=True, help_text="A waiting order not reviewed by then is cancelled and its stock released."
    )
    patient = PatientOutputSerializer(source="*")
    lines = OrderLineOutputSerializer(many=True)
    history = OrderEventOutputSerializer(
        source="events", many=True, help_text="Every status change, oldest first."
    )
    shipping = ShippingOutputSerializer(source="*")
    clinical_advice = OrderAdviceOutputSerializer(
        source="clinical_alerts", many=True, help_text="Advice from our clinical checks: read it before taking."
    )
    waiting_for_original = serializers.SerializerMethodField(
        help_text="True while an approved order waits for your paper prescription to reach the pharmacy."
    )
    original_prescription_postal_address = serializers.SerializerMethodField(
        help_text="Where to post the paper prescription, while waiting_for_original is true."
    )
    payments = PaymentOutputSerializer(many=True, help_text="Every payment attempt, oldest first.")
    payment_status = serializers.SerializerMethodField(help_text="Where your money is, in one sentence.")

    def get_payment_status(self, order) -> str:
        return payment_status_text(order)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_waiting_for_original(self, order) -> bool:
        return is_waiting_for_original(order)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_original_prescription_postal_address(self, order) -> str | None:
        if not is_waiting_for_original(order):
            return None
        return f"{settings.PHARMACY_NAME}, {settings.PHARMACY_ADDRESS}"


class CancelOrderInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
