from django.urls import path

from . import views

# No app_name: these names live in the project's "api" namespace (api:cart-detail, ...).
urlpatterns = [
    path("cart/", views.CartDetailApi.as_view(), name="cart-detail"),
    path("cart/lines/", views.CartLineCreateApi.as_view(), name="cart-line-list"),
    path("cart/lines/<int:line_id>/", views.CartLineDetailApi.as_view(), name="cart-line-detail"),
]
