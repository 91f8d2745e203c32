"""Prescriptions, checkout and the shopper's orders over the API. Each view validates its input, calls one
service or selector and serializes; errors become problem documents in pharmacy.api. Their OpenAPI description
is in docs.py; the pharmacist's review is in review_views.py.

Another shopper's order or prescription is a 404, never a 403: its existence is not confirmed.
"""

import re

from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.second_factor import request_has_second_factor
from cart.services import get_or_create_user_cart
from orders.downloads import serve_prescription_file
from orders.models import Order, Prescription
from orders.selectors import (
    get_order_for_user,
    get_prescription_for_user,
    list_checkout_questions,
    list_orders_for_user,
    list_prescriptions_for_user,
)
from orders.services import (
    CheckoutDetails,
    Patient,
    cancel_order,
    place_order,
    submit_prescription,
)
from orders.services.reorders import reorder_prescription
from patients.models import FileAccessChannel
from payments.services import authorise_at_checkout
from pharmacy.api import FileOrJSONErrorNegotiation
from pharmacy.throttling import ScopedThrottle, default_throttles_and

from . import docs
from .serializers import (
    IDEMPOTENCY_KEY_PATTERN,
    CancelOrderInputSerializer,
    CheckoutInputSerializer,
    CheckoutQuestionsOutputSerializer,
    OrderOutputSerializer,
    PrescriptionOutputSerializer,
    PrescriptionUploadInputSerializer,
    ReorderInputSerializer,
)

_IDEMPOTENCY_KEY_RE = re.compile(IDEMPOTENCY_KEY_PATTERN)


# --- Prescriptions --------------------------------------------------------------------------------


class PrescriptionListCreateApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    serializer_class = PrescriptionOutputSerializer
    filter_backends: list = []
    throttle_scope = "upload"
    upload_body_limit = True  # pharmacy.request_limits refuses an oversized body before it is read

    def get_throttles(self):
        extra = (ScopedThrottle,) if self.request.method == "POST" else ()
        return [throttle() for throttle in default_throttles_and(*extra)]

    def get_queryset(self):
        return list_prescriptions_for_user(user=self.request.user)

    @docs.prescriptions_list
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @docs.prescriptions_create
    def post(self, request):
        data = PrescriptionUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription = submit_prescription(owner=request.user, uploaded_file=data.validated_data["file"])
        return Response(
            PrescriptionOutputSerializer(prescription, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class PrescriptionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.prescriptions_retrieve
    def get(self, request, prescription_id: int):
        prescription = _own_prescription(user=request.user, prescription_id=prescription_id)
        return Response(PrescriptionOutputSerializer(prescription, context={"request": request}).data)


class PrescriptionFileApi(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = FileOrJSONErrorNegotiation

    @docs.prescriptions_file_retrieve
    def get(self, request, prescription_id: int):
        try:
            return serve_prescription_file(user=request.user, prescription_id=prescription_id,
                                           channel=FileAccessChannel.API,
                                           second_factor=request_has_second_factor(request))
        except Prescription.DoesNotExist:
            raise NotFound("No such prescription.") from None


class PrescriptionReorderApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "checkout"

    @docs.prescriptions_reorder
    def post(self, request, prescription_id: int):
        idempotency_key = _idempotency_key(request)
        data = ReorderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patient = data.validated_data["patient"]
        order = reorder_prescription(
            user=request.user,
            prescription=_own_prescription(user=request.user, prescription_id=prescription_id),
            details=CheckoutDetails(**data.validated_data["shipping"]),
            idempotency_key=idempotency_key,
            patient=Patient(**patient) if patient else None,
            consultation_answers={
                item["sku"]: {answer["question_id"]: answer["answer"] for answer in item["answers"]}
                for item in data.validated_data["consultations"]
            },
        )
        order = get_order_for_user(user=request.user, number=order.number)
        return Response(
            OrderOutputSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


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
        idempotency_key = _idempotency_key(request)
        data = CheckoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription_id = data.validated_data["prescription_id"]
        patient = data.validated_data["patient"]
        order = place_order(
            user=request.user,
            cart=get_or_create_user_cart(user=request.user),
            details=CheckoutDetails(**data.validated_data["shipping"]),
            idempotency_key=idempotency_key,
            prescription=_checkout_prescription(user=request.user, prescription_id=prescription_id),
            patient=Patient(**patient) if patient else None,
            consultation_answers={
                item["sku"]: {answer["question_id"]: answer["answer"] for answer in item["answers"]}
                for item in data.validated_data["consultations"]
            },
            delivery_method=data.validated_data["delivery_method"] or None,
        )
        authorise_at_checkout(order=order, payment_method=data.validated_data["payment_method"],
                              attempt_key=idempotency_key, actor=request.user)
        order = get_order_for_user(user=request.user, number=order.number)
        return Response(
            OrderOutputSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class CheckoutQuestionsApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.checkout_questions_list
    def get(self, request):
        questions = list_checkout_questions(cart=get_or_create_user_cart(user=request.user))
        return Response(CheckoutQuestionsOutputSerializer(questions, many=True).data)


def _idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        raise ValidationError(
            {"Idempotency-Key": ["This header is required: send a key unique to this checkout."]},
            code="required",
        )
    if not _IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise ValidationError(
            {"Idempotency-Key": ["Use 1-100 printable ASCII characters, e.g. a UUID."]}, code="invalid"
        )
    return key


def _checkout_prescription(*, user, prescription_id: int | None) -> Prescription | None:
    if prescription_id is None:
        return None
    try:
        return get_prescription_for_user(user=user, prescription_id=prescription_id)
    except Prescription.DoesNotExist:
        raise ValidationError(
            {"prescription_id": ["No prescription with this id in your account."]}, code="not_found"
        ) from None


# --- Orders ---------------------------------------------------------------------------------------


class OrderListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrderOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return list_orders_for_user(user=self.request.user)

    @docs.orders_list
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class OrderDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.orders_retrieve
    def get(self, request, number: str):
        order = _own_order(user=request.user, number=number)
        return Response(OrderOutputSerializer(order, context={"request": request}).data)


class OrderCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.orders_cancel
    def post(self, request, number: str):
        data = CancelOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = _own_order(user=request.user, number=number)
        cancel_order(order=order, actor=request.user, reason=data.validated_data["reason"])
        order = _own_order(user=request.user, number=number)
        return Response(OrderOutputSerializer(order, context={"request": request}).data)


def _own_order(*, user, number: str) -> Order:
    try:
        return get_order_for_user(user=user, number=number)
    except Order.DoesNotExist:
        raise NotFound("No such order.") from None
