from django.urls import path

# The order_number path converter is registered by orders' API URLs.
from orders.api import urls as _orders_urls  # noqa: F401

from . import dispatch_views, review_views

# No app_name: these names live in the project's "api" namespace (api:review-order-list, ...).
urlpatterns = [
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
