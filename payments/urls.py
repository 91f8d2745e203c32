from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("orders/<str:number>/pay/", views.pay, name="pay"),
    path("orders/<str:number>/pay/return/", views.payment_return, name="return"),
    path("payments/test-gateway/<str:reference>/confirm/", views.test_confirm, name="test-confirm"),
    path("payments/webhooks/stripe/", views.stripe_webhook, name="stripe-webhook"),
]
