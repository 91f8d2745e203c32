"""Catalog REST API: read-only and open to everyone. Each view validates its input, calls a selector
and serializes; errors become problem documents in pharmacy.api."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.leaflet_pdf import leaflet_pdf_filename, render_leaflet_pdf
from catalog.models import LeafletRevision, Product
from catalog.selectors import get_leaflet_revision, get_product_for_display, list_categories, list_products
from pharmacy.api import FileOrJSONErrorNegotiation
from pharmacy.api_schema import problem_responses

from .serializers import (
    CategoryOutputSerializer,
    LeafletRevisionOutputSerializer,
    ProductDetailOutputSerializer,
    ProductListFilterInputSerializer,
    ProductListOutputSerializer,
)

PRODUCT_ID = OpenApiParameter("product_id", OpenApiTypes.INT, OpenApiParameter.PATH)
REVISION_ID = OpenApiParameter("revision_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                               description="Id of a published leaflet revision.")


class ProductListApi(ListAPIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]
    serializer_class = ProductListOutputSerializer
    filter_backends: list = []  # the input serializer below validates every parameter instead

    @extend_schema(
        operation_id="products_list",
        summary="List medicines on sale",
        parameters=[ProductListFilterInputSerializer],
        responses={200: ProductListOutputSerializer(many=True), **problem_responses(400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def get_queryset(self):
        # .dict(): from a QueryDict, DRF would read a missing boolean as false.
        filters = ProductListFilterInputSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        products = list_products(
            search=data.get("search", ""), category=data.get("category", ""),
            legal_category=data.get("legal_category", ""), in_stock=data.get("in_stock"),
        )
        return products.order_by(data["ordering"], "pk")


class ProductDetailApi(APIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="products_retrieve",
        summary="A medicine with its packs and current patient information leaflet",
        parameters=[PRODUCT_ID],
        responses={200: ProductDetailOutputSerializer, **problem_responses(404)},
    )
    def get(self, request, product_id: int):
        try:
            product = get_product_for_display(product_id=product_id)
        except Product.DoesNotExist:
            raise NotFound("No such medicine.") from None
        return Response(ProductDetailOutputSerializer(product, context={"request": request}).data)


class CategoryListApi(ListAPIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]
    serializer_class = CategoryOutputSerializer
    filter_backends: list = []

    @extend_schema(
        operation_id="categories_list",
        summary="List categories",
        responses={200: CategoryOutputSerializer(many=True), **problem_responses(400, 404)},
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def get_queryset(self):
        return list_categories()


class LeafletRevisionDetailApi(APIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="leaflets_retrieve",
        summary="A published patient information leaflet revision",
        parameters=[REVISION_ID],
        responses={200: LeafletRevisionOutputSerializer, **problem_responses(404)},
    )
    def get(self, request, revision_id: int):
        revision = _published_revision(revision_id)
        return Response(LeafletRevisionOutputSerializer(revision, context={"request": request}).data)


class LeafletRevisionPdfApi(APIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]
    content_negotiation_class = FileOrJSONErrorNegotiation

    @extend_schema(
        operation_id="leaflets_pdf_retrieve",
        summary="A published patient information leaflet revision as a PDF",
        parameters=[REVISION_ID],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, **problem_responses(404)},
    )
    def get(self, request, revision_id: int):
        revision = _published_revision(revision_id)
        return HttpResponse(render_leaflet_pdf(revision=revision), content_type="application/pdf", headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=leaflet_pdf_filename(revision)
            ),
        })


def _published_revision(revision_id: int) -> LeafletRevision:
    try:
        return get_leaflet_revision(revision_id=revision_id)
    except LeafletRevision.DoesNotExist:
        raise NotFound("No such published leaflet.") from None
