from django.urls import path

from . import views

# No app_name: these names live in the project's "api" namespace (api:checkout, ...).
urlpatterns = [
    path(
        "prescriptions/<int:prescription_id>/reorder/",
        views.PrescriptionReorderApi.as_view(),
        name="prescription-reorder",
    ),
    path("checkout/", views.CheckoutApi.as_view(), name="checkout"),
    path("checkout/questions/", views.CheckoutQuestionsApi.as_view(), name="checkout-questions"),
]
