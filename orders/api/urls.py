from django.urls import path, register_converter

from . import dispatch_views, review_views, views
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
    path("prescriptions/", views.PrescriptionListCreateApi.as_view(), name="prescription-list"),
    path(
        "prescriptions/<int:prescription_id>/",
        views.PrescriptionDetailApi.as_view(),
        name="prescription-detail",
    ),
    path(
        "prescriptions/<int:prescription_id>/file/",
        views.PrescriptionFileApi.as_view(),
        name="prescription-file",
    ),
    path("orders/", views.OrderListApi.as_view(), name="order-list"),
    path("orders/<order_number:number>/", views.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<order_number:number>/cancel/", views.OrderCancelApi.as_view(), name="order-cancel"),
    path("pharmacist/orders/", review_views.ReviewOrderListApi.as_view(), name="review-order-list"),
    path(
        "pharmacist/orders/<order_number:number>/",
        review_views.ReviewOrderDetailApi.as_view(),
        name="review-order-detail",
    ),
    path(
        "pharmacist/orders/<order_number:number>/approve/",
        review_views.ReviewOrderApproveApi.as_view(),
        name="review-order-approve",
    ),
    path(
        "pharmacist/orders/<order_number:number>/lines/<int:line_id>/decision/",
        review_views.ReviewOrderLineDecisionApi.as_view(),
        name="review-order-line-decision",
    ),
    path(
        "pharmacist/orders/<order_number:number>/deadline/",
        review_views.ReviewOrderDeadlineApi.as_view(),
        name="review-order-deadline",
    ),
    path(
        "pharmacist/prescriptions/<int:prescription_id>/original-received/",
        review_views.PrescriptionOriginalReceivedApi.as_view(),
        name="prescription-original-received",
    ),
    path(
        "pharmacist/prescriptions/<int:prescription_id>/electronic-verified/",
        review_views.PrescriptionElectronicVerifiedApi.as_view(),
        name="prescription-electronic-verified",
    ),
    path(
        "pharmacist/orders/<order_number:number>/dispatch/",
        dispatch_views.OrderDispatchApi.as_view(),
        name="pharmacist-order-dispatch",
    ),
    path(
        "pharmacist/orders/<order_number:number>/reject/",
        review_views.ReviewOrderRejectApi.as_view(),
        name="review-order-reject",
    ),
]
