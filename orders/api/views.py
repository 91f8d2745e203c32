"""Prescriptions and the shopper's orders over the API (checkout is the checkout app's). Each view
validates its input, calls one service or selector and serializes; errors become problem documents in
pharmacy.api. Their OpenAPI description is in docs.py; the pharmacist's review is in review_views.py.

Another shopper's order or prescription is a 404, never a 403: its existence is not confirmed.
"""

from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.second_factor import request_has_second_factor
from orders.downloads import serve_prescription_file
from orders.models import Order, Prescription
from orders.selectors import (
    get_order_for_user,
    get_prescription_for_user,
    list_orders_for_user,
    list_prescriptions_for_user,
)
from orders.services import cancel_order, submit_prescription
from patients.models import FileAccessChannel
from pharmacy.api import FileOrJSONErrorNegotiation
from pharmacy.throttling import ScopedThrottle, default_throttles_and

from . import docs
from .serializers import (
    CancelOrderInputSerializer,
    OrderOutputSerializer,
    PrescriptionOutputSerializer,
    PrescriptionUploadInputSerializer,
)

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


def _own_prescription(*, user, prescription_id: int) -> Prescription:
    try:
        return get_prescription_for_user(user=user, prescription_id=prescription_id)
    except Prescription.DoesNotExist:
        raise NotFound("No such prescription.") from None


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
