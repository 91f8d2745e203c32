from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("orders/", views.order_list, name="order-list"),
    path("orders/<str:number>/", views.order_detail, name="order-detail"),
    path("orders/<str:number>/placed/", views.order_confirmation, name="order-confirmation"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order-cancel"),
]
