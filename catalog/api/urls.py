from django.urls import path

from . import views

# No app_name: these names live in the project's "api" namespace (api:product-list, ...).
urlpatterns = [
    path("products/", views.ProductListApi.as_view(), name="product-list"),
    path("products/suggest/", views.ProductSuggestApi.as_view(), name="product-suggest"),
    path("products/<int:product_id>/", views.ProductDetailApi.as_view(), name="product-detail"),
    path("categories/", views.CategoryListApi.as_view(), name="category-list"),
    path("leaflets/<int:revision_id>/", views.LeafletRevisionDetailApi.as_view(), name="leaflet-detail"),
    path("leaflets/<int:revision_id>/pdf/", views.LeafletRevisionPdfApi.as_view(), name="leaflet-pdf"),
]
