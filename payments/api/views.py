from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.api.docs import IDEMPOTENCY_KEY, ORDER_NUMBER
from orders.api.idempotency import read_idempotency_key
from orders.api.serializers import OrderOutputSerializer
from orders.api.views import _own_order
from pharmacy.api_schema import problem_responses
from pharmacy.throttling import ScopedThrottle, default_throttles_and

from ..services import authorise_order, latest_payment, refresh_payment
from .serializers import PaymentInputSerializer


class OrderPaymentCreateApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "checkout"

    @extend_schema(
        operation_id="orders_payments_create",
        summary="Pay for an order awaiting payment (another card after a decline)",
        description="Authorises the order's total on the card. The same `Idempotency-Key` returns the same "
        "attempt; a new key is a new attempt. The answer is the order: see `payments[-1].status` "
        "(`authorised`, `failed` with `failure_message`, or `requires_action` with `client_action`). "
        "An order not awaiting payment is a 409 (`payment_not_possible`).",
        parameters=[ORDER_NUMBER, IDEMPOTENCY_KEY],
        request=PaymentInputSerializer,
        responses={201: OrderOutputSerializer, **problem_responses(400, 401, 403, 404, 409, 415, 422)},
        examples=[OpenApiExample("Another card", request_only=True, value={"payment_method": "4242424242424242"})],
    )
    def post(self, request, number: str):
        key = read_idempotency_key(request)
        data = PaymentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = _own_order(user=request.user, number=number)
        authorise_order(order=order, payment_method=data.validated_data["payment_method"],
                        attempt_key=f"api-{key}", actor=request.user)
        order = _own_order(user=request.user, number=number)
        return Response(OrderOutputSerializer(order, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class OrderPaymentRefreshApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="orders_payments_refresh",
        summary="Re-read the order's latest payment after the shopper confirmed it (3-D Secure)",
        parameters=[ORDER_NUMBER],
        request=None,
        responses={200: OrderOutputSerializer, **problem_responses(401, 403, 404)},
    )
    def post(self, request, number: str):
        order = _own_order(user=request.user, number=number)
        payment = latest_payment(order)
        if payment is not None:
            refresh_payment(payment=payment, actor=request.user)
        order = _own_order(user=request.user, number=number)
        return Response(OrderOutputSerializer(order, context={"request": request}).data)
