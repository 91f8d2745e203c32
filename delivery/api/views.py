"""Public list of delivery methods: cached under the catalog's version, like the catalog's own lists
(delivery.services bumps it on every write)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.cache import cached
from catalog.http import api_not_modified, finish_api_response
from delivery.selectors import list_active_delivery_methods
from pharmacy.api_schema import problem_responses

from .serializers import DeliveryMethodOutputSerializer


class DeliveryMethodListApi(APIView):
    authentication_classes: list = []  # public and anonymous: prices, nothing personal
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="delivery_methods_list",
        summary="The delivery methods a shopper may choose at checkout, default first",
        responses={200: DeliveryMethodOutputSerializer(many=True), **problem_responses(400)},
        examples=[OpenApiExample("Standard and express", response_only=True, value=[
            {"code": "standard", "name": "Standard delivery", "description": "Royal Mail Tracked 48",
             "estimated_days_min": 2, "estimated_days_max": 3, "price": {"amount": "3.95", "currency": "GBP"},
             "free_over": {"amount": "30.00", "currency": "GBP"}, "is_default": True},
            {"code": "express", "name": "Express delivery", "description": "Royal Mail Tracked 24, order by 2 pm",
             "estimated_days_min": 1, "estimated_days_max": 1, "price": {"amount": "6.95", "currency": "GBP"},
             "free_over": None, "is_default": False},
        ])],
    )
    def get(self, request):
        not_modified, etag = api_not_modified(request)
        if not_modified is not None:
            return not_modified
        data = cached("api-delivery-methods", request.build_absolute_uri(), fill=_list_data)
        return finish_api_response(Response(data), etag)


def _list_data() -> list:
    methods = list_active_delivery_methods()
    context = {"default_id": methods[0].pk if methods else None}
    return DeliveryMethodOutputSerializer(methods, many=True, context=context).data
