from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("medicines/", views.product_list, name="product-list"),
    path("medicines/<slug:slug>/", views.product_detail, name="product-detail"),
    path("leaflets/<int:revision_id>.pdf", views.leaflet_pdf, name="leaflet-pdf"),
    path("prescriptions/how-it-works/", views.prescriptions_info, name="prescriptions-info"),
]
