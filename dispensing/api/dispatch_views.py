"""Dispatch over the API, for pharmacy staff and the warehouse's software: the same release gate as the
admin's dispatch action (dispensing.release_gate, through orders.services.dispatch_order)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.restriction import may_view_restricted
from orders.api.docs import ORDER_NUMBER
from orders.models import Order, OrderStatus
from orders.selectors import get_order_for_review
from pharmacy.api_schema import problem_responses

from ..approval import dispatch_order
from ..release_gate import release_blockers
from .permissions import MayDispatchOrders
from .serializers import DispatchOrderInputSerializer, OrderReleaseOutputSerializer

REFUSED_ERRORS = [
    {
        "field": None,
        "code": "payment_not_captured",
        "message": "The payment is not captured: 19.94 GBP is due and 0.00 has been captured (the latest payment is "
        "authorised).",
    },
    {
        "field": None,
        "code": "no_responsible_pharmacist",
        "message": "No responsible pharmacist is signed in for today.",
    },
]

REFUSED_DETAIL = " ".join(error["message"] for error in REFUSED_ERRORS)


def _release(order: Order) -> dict:
    blockers = release_blockers(order) if order.status == OrderStatus.APPROVED else []
    return {
        "number": order.number,
        "status": order.status,
        "may_be_dispatched": (order.status == OrderStatus.APPROVED and not blockers),
        "blockers": [b.as_dict() for b in blockers],
    }


def _order(number: str, user) -> Order:
    try:
        order = get_order_for_review(number=number)
    except Order.DoesNotExist:
        raise NotFound("No such order.") from None
    # An erased shopper's order is restricted: to staff who may not see it, it does not exist.
    if order.user.erased_at is not None and not may_view_restricted(user):
        raise NotFound("No such order.")
    return order


class OrderDispatchApi(APIView):
    permission_classes = [MayDispatchOrders]

    @extend_schema(
        operation_id="pharmacist_orders_release_retrieve",
        summary="What still stops an approved order being dispatched (pharmacy staff)",
        description="Every release condition the order does not meet now, by code: "
        "`pharmacist_decision_missing`, `payment_not_captured`, `prescription_missing`, `prescription_expired`, "
        "`prescription_not_covering`, `original_prescription_awaited`, `batches_unavailable`, "
        "`no_responsible_pharmacist`, `clinical_alert_unresolved`. Empty for an order that is not approved.",
        parameters=[ORDER_NUMBER],
        responses={200: OrderReleaseOutputSerializer, **problem_responses(400, 401, 403, 404)},
    )
    def get(self, request, number: str):
        return Response(OrderReleaseOutputSerializer(_release(_order(number, request.user))).data)

    @extend_schema(
        operation_id="pharmacist_orders_dispatch",
        summary="Dispatch an approved order through the release gate (pharmacy staff)",
        description="Needs a token issued with a second factor and permission to change orders. Refused with "
        "409 `release_refused` naming every unmet condition in `errors` (one entry per condition, with the "
        "codes of the GET); 409 `invalid_transition` when the order is not approved.",
        parameters=[ORDER_NUMBER],
        request=DispatchOrderInputSerializer,
        responses={200: OrderReleaseOutputSerializer, **problem_responses(400, 401, 403, 404, 409, 415)},
        examples=[
            OpenApiExample("Tracking number", request_only=True, value={"note": "Royal Mail tracked 48: AB123"}),
            OpenApiExample(
                "409 release_refused",
                response_only=True,
                status_codes=["409"],
                media_type="application/problem+json",
                value={
                    "type": "urn:pharmacy:problem:release_refused",
                    "title": "Conflict",
                    "status": 409,
                    "detail": REFUSED_DETAIL,
                    "code": "release_refused",
                    "errors": REFUSED_ERRORS,
                },
            ),
        ],
    )
    def post(self, request, number: str):
        data = DispatchOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = dispatch_order(order=_order(number, request.user), actor=request.user, note=data.validated_data["note"])
        return Response(OrderReleaseOutputSerializer(_release(order)).data)
