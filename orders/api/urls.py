from django.urls import path, register_converter

from . import views
from .serializers import ORDER_NUMBER_PATTERN


class OrderNumberConverter:
    """Only what an order number can look like reaches the views; anything else is a plain 404."""

    regex = ORDER_NUMBER_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OrderNumberConverter, "order_number")

# No app_name: these names live in the project's "api" namespace (api:order-detail, ...).
urlpatterns = [
    path("orders/", views.OrderListApi.as_view(), name="order-list"),
    path("orders/<order_number:number>/", views.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<order_number:number>/cancel/", views.OrderCancelApi.as_view(), name="order-cancel"),
]
