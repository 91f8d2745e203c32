from django.urls import path

from . import repeat_views, views

app_name = "orders"
urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/<str:number>/", views.order_detail, name="order-detail"),
    path("orders/<str:number>/placed/", views.order_confirmation, name="order-confirmation"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order-cancel"),
    path("prescriptions/", views.prescription_list, name="prescription-list"),
    path("prescriptions/<int:pk>/file/", views.prescription_file, name="prescription-file"),
    path("prescriptions/<int:pk>/reorder/", repeat_views.prescription_reorder, name="prescription-reorder"),
]
