"""Checkout and "order again" over the API. Each view validates its input, calls one service and
serializes the placed order; errors become problem documents in pharmacy.api. Their OpenAPI description
is in docs.py.

Another shopper's prescription is a 404, never a 403: its existence is not confirmed.
"""

from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cart.services import get_or_create_user_cart
from orders.api.idempotency import read_idempotency_key
from orders.api.serializers import OrderOutputSerializer
from orders.selectors import get_order_for_user
from patients.details import PatientDetails
from pharmacy.throttling import ScopedThrottle, default_throttles_and
from prescriptions.models import Prescription
from prescriptions.selectors import get_prescription_for_user

from ..health_data import ConsentGiven
from ..selectors import list_checkout_questions
from ..services import CheckoutDetails, place_order_and_authorise, reorder_prescription
from . import docs
from .serializers import CheckoutInputSerializer, CheckoutQuestionsOutputSerializer, ReorderInputSerializer

# --- Order again ----------------------------------------------------------------------------------


class PrescriptionReorderApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "checkout"

    @docs.prescriptions_reorder
    def post(self, request, prescription_id: int):
        idempotency_key = read_idempotency_key(request)
        data = ReorderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patient = data.validated_data["patient"]
        order = reorder_prescription(
            user=request.user,
            prescription=_own_prescription(user=request.user, prescription_id=prescription_id),
            details=CheckoutDetails(**data.validated_data["shipping"]),
            idempotency_key=idempotency_key,
            patient=PatientDetails(**patient) if patient else None,
            consultation_answers={
                item["sku"]: {answer["question_id"]: answer["answer"] for answer in item["answers"]}
                for item in data.validated_data["consultations"]
            },
            health_data_consent=_consent_given(data.validated_data),
        )
        order = get_order_for_user(user=request.user, number=order.number)
        return Response(OrderOutputSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED)


def _consent_given(validated: dict) -> ConsentGiven | None:
    if not validated["health_data_consent"]:
        return None
    return ConsentGiven(interface="api", notice_number=validated["privacy_notice_version"])


def _own_prescription(*, user, prescription_id: int) -> Prescription:
    try:
        return get_prescription_for_user(user=user, prescription_id=prescription_id)
    except Prescription.DoesNotExist:
        raise NotFound("No such prescription.") from None


# --- Checkout -------------------------------------------------------------------------------------


class CheckoutApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "checkout"

    @docs.checkout_create
    def post(self, request):
        idempotency_key = read_idempotency_key(request)
        data = CheckoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription_id = data.validated_data["prescription_id"]
        patient = data.validated_data["patient"]
        order = place_order_and_authorise(
            user=request.user,
            cart=get_or_create_user_cart(user=request.user),
            details=CheckoutDetails(**data.validated_data["shipping"]),
            idempotency_key=idempotency_key,
            prescription=_checkout_prescription(user=request.user, prescription_id=prescription_id),
            patient=PatientDetails(**patient) if patient else None,
            consultation_answers={
                item["sku"]: {answer["question_id"]: answer["answer"] for answer in item["answers"]}
                for item in data.validated_data["consultations"]
            },
            delivery_method=data.validated_data["delivery_method"] or None,
            payment_method=data.validated_data["payment_method"],
            health_data_consent=_consent_given(data.validated_data),
        )
        order = get_order_for_user(user=request.user, number=order.number)
        return Response(OrderOutputSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED)


class CheckoutQuestionsApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.checkout_questions_list
    def get(self, request):
        questions = list_checkout_questions(cart=get_or_create_user_cart(user=request.user))
        return Response(CheckoutQuestionsOutputSerializer(questions, many=True).data)


def _checkout_prescription(*, user, prescription_id: int | None) -> Prescription | None:
    if prescription_id is None:
        return None
    try:
        return get_prescription_for_user(user=user, prescription_id=prescription_id)
    except Prescription.DoesNotExist:
        raise ValidationError(
            {"prescription_id": ["No prescription with this id in your account."]}, code="not_found"
        ) from None
