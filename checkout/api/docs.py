"""The OpenAPI description of checkout and "order again": one decorator per operation
(``@docs.checkout_create``), so checkout/api/views.py reads as code.
"""

from http import HTTPStatus

from drf_spectacular.utils import OpenApiExample, extend_schema

from orders.api.docs import IDEMPOTENCY_KEY, problem_example
from orders.api.serializers import OrderOutputSerializer
from pharmacy.api_schema import problem_responses
from prescriptions.api.docs import PRESCRIPTION_ID

from .serializers import CheckoutInputSerializer, CheckoutQuestionsOutputSerializer, ReorderInputSerializer

SHIPPING_EXAMPLE = {
    "full_name": "Ada Lovelace",
    "email": "ada@example.org",
    "phone": "07700 900123",
    "address_line1": "1 High Street",
    "address_line2": "",
    "city": "Leeds",
    "postcode": "LS1 1AA",
    "country": "GB",
}


prescriptions_reorder = extend_schema(
    operation_id="prescriptions_reorder",
    summary="Order again from one of your repeatable prescriptions, without uploading it again",
    description=(
        "Puts the prescribed items in your cart and checks the cart out with this prescription (anything "
        "already in the cart is ordered too, as at `POST /api/v1/checkout/`). Requires an `Idempotency-Key`, "
        "with the same replay rules as checkout. The order waits for our pharmacist (`awaiting_review`).\n\n"
        "Refusals (422, nothing changes): `repeat_too_early` with `available_on` (the first day it is "
        "possible), `repeats_exhausted` when every issue is used, `prescription_not_repeatable`, "
        "`prescription_expired`, `prescription_for_another_patient` when `patient` is not the one the "
        "prescription names (leave `patient` out to order for them); and the checkout's own refusals, "
        "`health_data_consent_required` among them: a prescription-only order reveals health data, so send "
        "`health_data_consent: true` unless your consent is in force."
    ),
    parameters=[PRESCRIPTION_ID, IDEMPOTENCY_KEY],
    request=ReorderInputSerializer,
    responses={201: OrderOutputSerializer, **problem_responses(400, 401, 403, 404, 409, 415, 422)},
    examples=[
        OpenApiExample("Deliver as before", request_only=True, value={"shipping": SHIPPING_EXAMPLE}),
        OpenApiExample(
            "422 repeat_too_early",
            response_only=True,
            status_codes=["422"],
            media_type="application/problem+json",
            value={
                "type": "urn:pharmacy:problem:repeat_too_early",
                "title": HTTPStatus(422).phrase,
                "status": 422,
                "detail": "This prescription can next be dispensed on 02 March 2026: at least 28 days after "
                "the last issue, on 02 February 2026.",
                "code": "repeat_too_early",
                "errors": [
                    {
                        "field": "prescription",
                        "code": "repeat_too_early",
                        "available_on": "2026-03-02",
                        "message": "This prescription can next be dispensed on 02 March 2026: at least 28 "
                        "days after the last issue, on 02 February 2026.",
                    }
                ],
            },
        ),
        problem_example(
            422,
            "repeats_exhausted",
            "prescription",
            "This prescription may be dispensed 2 times, and every issue has been used. Ask your prescriber "
            "for a new prescription.",
        ),
    ],
)


# --- Checkout -------------------------------------------------------------------------------------

checkout_create = extend_schema(
    operation_id="checkout_create",
    summary="Place an order from your cart",
    description=(
        "Requires an `Idempotency-Key` header. The same key with the same body returns the order the "
        "first request placed (201, same number), so a retry after a timeout never orders twice; the "
        "same key with a different body is a 422 (`idempotency_key_reused`).\n\n"
        "A cart with a prescription-only medicine needs `prescription_id`; without it, a 422 with code "
        "`prescription_required`. Other refusals: `cart_empty`, `prescription_not_usable`, "
        "`prescription_not_covering`, `prescription_expired` (422); not enough stock (409).\n\n"
        "A pharmacy-only (P) item needs `consultations`: the answers to its questions (list them with "
        "`GET /api/v1/checkout/questions/`); missing or invalid answers are a 422 "
        "`consultation_incomplete`. `patient` names who the medicines are for (you, if left out), or "
        "`patient.record_id` one of your health records (`GET /api/v1/patients/`); age limits use their "
        "date of birth, which only a P or POM item, a minimum age or a medicine whose use depends on age "
        "needs (`patient_details_required`, `patient_too_young`); an order of other general-sale items "
        "for yourself needs none. "
        "With `record_id`, the record's date of birth is used: a different `date_of_birth` is a 422 "
        "`date_of_birth_differs_from_record` (correct the record with PUT /api/v1/patients/{id}/). An "
        "order against an approved prescription must be for the patient it names "
        "(`prescription_for_another_patient`). "
        "An order with a P or POM item waits for a pharmacist (`awaiting_review`, see `waiting_reason` "
        "and `review_deadline`); one of general-sale items alone is `approved` at once.\n\n"
        "`delivery_method` is the code of one of `GET /api/v1/delivery-methods/` (the default one if "
        "left out); an unknown or retired code is a 422 `delivery_method_unavailable`. The order's "
        "`total` is its `subtotal` plus `delivery.amount`; prices include VAT, and `vat` is the VAT "
        "within the total (each line shows its own).\n\n"
        "Payments: with `payment_method` the order is placed `awaiting_payment` and its total authorised "
        "on the card: `payments[-1].status` is `authorised` (the order moves on), `failed` (declined: the "
        "order still awaits payment, your cart is kept; try another card with POST "
        "/api/v1/orders/{number}/payments/) or `requires_action` (`client_action` says how to confirm). "
        "The card is charged only for what the pharmacist approves.\n\n"
        "Health data: an order that reveals it (a P or POM item, consultation answers, a `patient` who is "
        "one of your health records or someone you care for) needs your explicit consent. Send "
        "`health_data_consent: true` (and `privacy_notice_version`, the revision whose words you showed) "
        "with the first such order; it is recorded with the order, as evidence of the revision, the time and "
        "the interface, and is not asked for again while it is in force (see "
        "`GET /api/v1/me/health-data-consent/`). Without it, a 422 `health_data_consent_required`; an "
        "outdated revision, a 409 `privacy_notice_outdated`. An order of general-sale items for yourself "
        "needs no consent."
    ),
    parameters=[IDEMPOTENCY_KEY],
    request=CheckoutInputSerializer,
    responses={201: OrderOutputSerializer, **problem_responses(400, 401, 403, 409, 415, 422)},
    examples=[
        OpenApiExample(
            "With a prescription",
            request_only=True,
            value={"shipping": SHIPPING_EXAMPLE, "prescription_id": 1, "payment_method": "4242424242424242"},
        ),
        OpenApiExample(
            "Express delivery",
            request_only=True,
            value={"shipping": SHIPPING_EXAMPLE, "delivery_method": "express"},
        ),
        OpenApiExample(
            "A pharmacy medicine for a child, with the consultation answers",
            request_only=True,
            value={
                "shipping": SHIPPING_EXAMPLE,
                "patient": {"is_account_holder": False, "name": "Sam Lovelace", "date_of_birth": "2012-04-01"},
                "health_data_consent": True,
                "privacy_notice_version": 1,
                "consultations": [
                    {
                        "sku": "COC-8-500-32",
                        "answers": [
                            {"question_id": 1, "answer": "yes"},
                            {"question_id": 2, "answer": "no"},
                            {"question_id": 3, "answer": "Paracetamol only"},
                        ],
                    }
                ],
            },
        ),
        problem_example(
            422,
            "consultation_incomplete",
            "consultations.COC-8-500-32.2",
            "Co-codamol 8 mg/500 mg tablets, 32 tablets: please answer “Have you taken a codeine "
            "painkiller for more than 3 days in a row?”",
        ),
        problem_example(
            422,
            "health_data_consent_required",
            "health_data_consent",
            "Your order shows something about your health, so we need your explicit consent to use that "
            "information first. Read the privacy notice and tick the health-data consent box.",
        ),
        OpenApiExample(
            "For a saved health record (GET /api/v1/patients/)",
            request_only=True,
            value={"shipping": SHIPPING_EXAMPLE, "patient": {"record_id": 2}},
        ),
        problem_example(
            422,
            "patient_details_required",
            "patient_date_of_birth",
            "Enter the patient's date of birth: our pharmacist checks Baclofen 10 mg tablets, 84 tablets "
            "against the patient's age.",
        ),
        problem_example(
            422,
            "patient_too_young",
            "patient_date_of_birth",
            "Co-codamol 8 mg/500 mg tablets, 32 tablets is not sold for patients under 12; Sam is 9.",
        ),
        problem_example(
            422,
            "prescription_required",
            "prescription",
            "A prescription is needed for: Baclofen 10 mg tablets, 84 tablets. Upload one or choose one "
            "of your valid prescriptions.",
        ),
        problem_example(
            422,
            "delivery_method_unavailable",
            "delivery_method",
            "Choose one of the delivery methods offered.",
        ),
        problem_example(
            422,
            "idempotency_key_reused",
            "idempotency_key",
            "This idempotency key was already used for a different checkout.",
        ),
    ],
)


checkout_questions_list = extend_schema(
    operation_id="checkout_questions_list",
    summary="The pharmacist's questions for the pharmacy-only (P) items in your cart",
    description="Answer them in `consultations` at checkout. `minimum_age` (if set) is checked against "
    "the patient's date of birth.",
    responses={200: CheckoutQuestionsOutputSerializer(many=True), **problem_responses(400, 401)},
)
