from django.urls import path

from . import views

app_name = "cart"
urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("add/", views.cart_add, name="add"),
    path("lines/<int:line_id>/quantity/", views.cart_line_update, name="line-update"),
    path("lines/<int:line_id>/remove/", views.cart_line_remove, name="line-remove"),
]
