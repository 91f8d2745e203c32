from django.urls import path

from orders.api import urls as order_urls  # noqa: F401  (registers the order_number converter)

from . import views

urlpatterns = [
    path("orders/<order_number:number>/payments/", views.OrderPaymentCreateApi.as_view(), name="order-payments"),
    path("orders/<order_number:number>/payments/refresh/", views.OrderPaymentRefreshApi.as_view(),
         name="order-payments-refresh"),
]
