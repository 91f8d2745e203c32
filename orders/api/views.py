"""The shopper's orders over the API (checkout is the checkout app's, prescriptions the prescriptions
app's). Each view validates its input, calls one service or selector and serializes; errors become problem documents in
pharmacy.api. Their OpenAPI description is in docs.py; the pharmacist's review is in review_views.py.

Another shopper's order is a 404, never a 403: its existence is not confirmed.
"""

from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.models import Order
from orders.selectors import get_order_for_user, list_orders_for_user
from orders.services import cancel_order

from . import docs
from .serializers import (
    CancelOrderInputSerializer,
    OrderOutputSerializer,
)

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
