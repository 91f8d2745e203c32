from django.urls import path

from . import views

# No app_name: these names live in the project's "api" namespace.
urlpatterns = [
    path("delivery-methods/", views.DeliveryMethodListApi.as_view(), name="delivery-method-list"),
]
