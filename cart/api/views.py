"""Cart API for signed-in shoppers: validate, call one cart service, serialize. A line id that is not
in the caller's own cart is a 404 (CartLineNotFound), whoever's it is."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cart.advice import cart_advice_items
from cart.selectors import get_cart_summary
from cart.services import add_to_cart, get_or_create_user_cart, remove_cart_line, set_cart_line_quantity
from catalog.models import Pack
from catalog.selectors import get_pack_by_sku
from pharmacy.api_schema import problem_responses

from .serializers import (
    CartLineCreateInputSerializer,
    CartLineOutputSerializer,
    CartLineUpdateInputSerializer,
    CartOutputSerializer,
)


class _WholeBodyPatchSchema(AutoSchema):
    """drf-spectacular documents every PATCH body as partial (all fields optional). This PATCH changes
    the one field it has, which is required, so document the body as it is validated."""

    def _get_request_for_media_type(self, serializer, direction="request"):
        method, self.method = self.method, "PUT"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = method


LINE_ID = OpenApiParameter(
    "line_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="A line of your cart."
)


class CartDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cart_retrieve",
        summary="Your cart: lines, total, and anything that would block checkout",
        responses={200: CartOutputSerializer, **problem_responses(401)},
    )
    def get(self, request):
        summary = get_cart_summary(cart=get_or_create_user_cart(user=request.user))
        advice = [] if summary.is_empty else cart_advice_items(user=request.user, cart_lines=summary.lines)
        return Response(CartOutputSerializer(summary, context={"clinical_advice": advice}).data)


class CartLineCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="cart_lines_create",
        summary="Add packs to your cart",
        description="If the pack is already in the cart the quantities are added up. Refusals by the "
        "purchase policy (unavailable, per-order limit, controlled drug) are 422; not enough "
        "stock is 409. An unknown SKU is a 400 on `sku`.",
        request=CartLineCreateInputSerializer,
        responses={201: CartLineOutputSerializer, **problem_responses(400, 401, 403, 409, 415, 422)},
        examples=[OpenApiExample("Two packs", request_only=True, value={"sku": "BAC-10-84", "quantity": 2})],
    )
    def post(self, request):
        data = CartLineCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pack = _pack_for_sku(data.validated_data["sku"])
        line = add_to_cart(
            cart=get_or_create_user_cart(user=request.user),
            pack=pack,
            quantity=data.validated_data["quantity"],
        )
        return Response(CartLineOutputSerializer(line).data, status=status.HTTP_201_CREATED)


class CartLineDetailApi(APIView):
    permission_classes = [IsAuthenticated]
    schema = _WholeBodyPatchSchema()

    @extend_schema(
        operation_id="cart_lines_partial_update",
        summary="Change the quantity of a cart line",
        parameters=[LINE_ID],
        request=CartLineUpdateInputSerializer,
        responses={200: CartLineOutputSerializer, **problem_responses(400, 401, 403, 404, 409, 415, 422)},
        examples=[OpenApiExample("Three packs", request_only=True, value={"quantity": 3})],
    )
    def patch(self, request, line_id: int):
        data = CartLineUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        line = set_cart_line_quantity(
            cart=get_or_create_user_cart(user=request.user),
            line_id=line_id,
            quantity=data.validated_data["quantity"],
        )
        return Response(CartLineOutputSerializer(line).data)

    @extend_schema(
        operation_id="cart_lines_destroy",
        summary="Remove a line from your cart",
        parameters=[LINE_ID],
        request=None,
        responses={204: None, **problem_responses(400, 401, 403, 404)},
    )
    def delete(self, request, line_id: int):
        remove_cart_line(cart=get_or_create_user_cart(user=request.user), line_id=line_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _pack_for_sku(sku: str) -> Pack:
    try:
        return get_pack_by_sku(sku=sku)
    except Pack.DoesNotExist:
        raise ValidationError({"sku": [f"No product with SKU {sku}."]}, code="unknown_sku") from None
