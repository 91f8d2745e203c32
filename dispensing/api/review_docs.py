"""The OpenAPI description of the pharmacist review endpoints (review_views.py), one decorator per
operation.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from orders.api.docs import ORDER_NUMBER
from pharmacy.api_schema import problem_responses

from .serializers import (
    ApproveOrderInputSerializer,
    ElectronicVerifiedInputSerializer,
    ExtendDeadlineInputSerializer,
    LineDecisionInputSerializer,
    OriginalReceivedInputSerializer,
    PharmacistPrescriptionOutputSerializer,
    RejectOrderInputSerializer,
    ReviewOrderDetailOutputSerializer,
    ReviewOrderOutputSerializer,
)

pharmacist_orders_list = extend_schema(
    operation_id="pharmacist_orders_list",
    summary="Orders awaiting prescription review, oldest first (pharmacists only)",
    responses={200: ReviewOrderOutputSerializer(many=True), **problem_responses(400, 401, 403, 404)},
)


pharmacist_orders_retrieve = extend_schema(
    operation_id="pharmacist_orders_retrieve",
    summary="Any order, with its customer and prescription (pharmacists only)",
    parameters=[ORDER_NUMBER],
    responses={200: ReviewOrderDetailOutputSerializer, **problem_responses(400, 401, 403, 404)},
)


pharmacist_orders_approve = extend_schema(
    operation_id="pharmacist_orders_approve",
    summary="Approve an order awaiting review, recording the dispensing record (pharmacists only)",
    description=(
        "The dispensing record (prescriber, dates, items) is needed when the order's prescription has "
        "not been checked yet; send all of its fields or none. With it, `prescriber_address` and the "
        "patient the prescription names (`patient_name`, `patient_date_of_birth`) are required (422 "
        "`invalid_dispensing_record` on the field); that patient must be the order's, and every later order "
        "against the prescription must be for them. `items[].quantity` is in dosage units "
        "(tablets, capsules, mL); `dose`, `dose_unit`, `times_per_day` and `every_days` (1 daily, 7 "
        "weekly; or `as_directed`) are the structured directions the clinical checks compute the daily dose "
        "and the dosing interval from. Refused with 422 when the "
        "prescription has expired or authorises less than the order holds, and with 422 "
        "`clinical_override_required` past a major or contraindicated clinical alert without "
        "`override_reason` and `prescriber_contacted`; 409 when the order is not awaiting review."
    ),
    parameters=[ORDER_NUMBER],
    request=ApproveOrderInputSerializer,
    responses={200: ReviewOrderDetailOutputSerializer, **problem_responses(400, 401, 403, 404, 409, 415, 422)},
    examples=[
        OpenApiExample(
            "Dispensing record",
            request_only=True,
            value={
                "prescriber_name": "Dr Grace Prescriber",
                "prescriber_registration": "7123456",
                "prescriber_address": "The Surgery, 2 Church Lane, Leeds, LS2 2BB",
                "patient_name": "Ada Lovelace",
                "patient_date_of_birth": "1985-12-10",
                "issued_on": "2026-01-05",
                "valid_until": "2026-07-05",
                "items": [
                    {
                        "sku": "BAC-10-84",
                        "quantity": 84,
                        "directions": "One tablet three times a day",
                        "dose": "10",
                        "dose_unit": "mg",
                        "times_per_day": 3,
                        "every_days": 1,
                        "as_directed": False,
                    }
                ],
                "note": "Checked with the prescriber.",
                "override_reason": "Long-standing combination with diazepam; counselled on drowsiness.",
                "prescriber_contacted": True,
            },
        )
    ],
)


pharmacist_orders_reject = extend_schema(
    operation_id="pharmacist_orders_reject",
    summary="Reject an order awaiting review, with a reason from the fixed list (pharmacists only)",
    description="The shopper reads the plain text of `reason` on their order page, and is e-mailed to see it "
    "there; `note` is staff only.",
    parameters=[ORDER_NUMBER],
    request=RejectOrderInputSerializer,
    responses={200: ReviewOrderDetailOutputSerializer, **problem_responses(400, 401, 403, 404, 409, 415)},
    examples=[
        OpenApiExample(
            "Unreadable",
            request_only=True,
            value={"reason": "prescription_unreadable", "note": "Photo too dark to read the strength."},
        )
    ],
)


pharmacist_orders_lines_decide = extend_schema(
    operation_id="pharmacist_orders_lines_decide",
    summary="Approve or refuse one pharmacy-only (P) item of an order awaiting review (pharmacists only)",
    description="Refusing needs a `reason` from the fixed list (the shopper reads its plain text on their order "
    "page, and every refusal is e-mailed); `note` is staff only. The item's stock goes back at once. "
    "When no item is left pending the order is approved, or rejected if every item was refused. "
    "Prescription-only items are decided with the prescription (approve/reject). 409 when the order is "
    "not awaiting review; 422 `line_decision_not_allowed` for a non-P or already decided item. "
    "Approving an item that a major or contraindicated clinical alert involves (any of the alert's "
    "`line_ids`), or the last decision when an alert on the order still stands, needs "
    "`override_reason` and `prescriber_contacted` (422 `clinical_override_required` otherwise).",
    parameters=[ORDER_NUMBER, OpenApiParameter("line_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    request=LineDecisionInputSerializer,
    responses={200: ReviewOrderDetailOutputSerializer, **problem_responses(400, 401, 403, 404, 409, 415, 422)},
    examples=[
        OpenApiExample(
            "Refuse",
            request_only=True,
            value={"decision": "refuse", "reason": "see_gp", "note": "Codeine for more than 3 days."},
        ),
        OpenApiExample(
            "Approve past a major alert",
            request_only=True,
            value={
                "decision": "approve",
                "override_reason": "Told to take only the co-codamol.",
                "prescriber_contacted": False,
            },
        ),
    ],
)


pharmacist_orders_extend_deadline = extend_schema(
    operation_id="pharmacist_orders_extend_deadline",
    summary="Give an order awaiting review more time before it is cancelled (pharmacists only)",
    parameters=[ORDER_NUMBER],
    request=ExtendDeadlineInputSerializer,
    responses={200: ReviewOrderDetailOutputSerializer, **problem_responses(400, 401, 403, 404, 409, 415, 422)},
)


pharmacist_prescriptions_original_received = extend_schema(
    operation_id="pharmacist_prescriptions_original_received",
    summary="Record the paper original as received and checked against what was approved (pharmacists only)",
    description="`matches: false` (with a note) withdraws the approval: the prescription and its approved "
    "orders go back to review. An order with prescription-only lines is dispatched only once the original "
    "is received and matches, or the prescription is a verified electronic one.",
    request=OriginalReceivedInputSerializer,
    responses={200: PharmacistPrescriptionOutputSerializer, **problem_responses(400, 401, 403, 404, 415, 422)},
)


pharmacist_prescriptions_electronic_verified = extend_schema(
    operation_id="pharmacist_prescriptions_electronic_verified",
    summary="Record that the electronic prescription itself was retrieved and its signature verified",
    description="Records the e-prescription's identifier and you as the pharmacist who checked it. 422 "
    "`prescription_not_usable` for a prescription uploaded as a photo or scan (its original is paper), one "
    "whose paper original was recorded, or an identifier already recorded on another prescription.",
    request=ElectronicVerifiedInputSerializer,
    responses={200: PharmacistPrescriptionOutputSerializer, **problem_responses(400, 401, 403, 404, 415, 422)},
)
