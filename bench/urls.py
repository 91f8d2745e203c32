"""The site's URLs plus /bench/floor/: a bare DRF endpoint listing 20 rows of one table, the floor the
product list API is compared with. It lives in the bench, never in the product."""

from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Pack
from pharmacy.urls import urlpatterns as site_urlpatterns


class FloorPackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pack
        fields = ["id", "sku", "gtin", "pack_size", "pack_unit", "price_amount", "currency"]


class FloorListApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request):
        return Response(FloorPackSerializer(Pack.objects.order_by("pk")[:20], many=True).data)


urlpatterns = [path("bench/floor/", FloorListApi.as_view()), *site_urlpatterns]
