"""Catalog REST API: read-only and open to everyone. Each view validates its input, calls a selector
and serializes; errors become problem documents in pharmacy.api. Their OpenAPI description is in docs.py."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.cache import cached
from catalog.http import api_not_modified, finish_api_response
from catalog.leaflet_pdf import leaflet_pdf_filename, render_leaflet_pdf
from catalog.models import LeafletRevision, Product
from catalog.pagination import ProductSearchPaginator
from catalog.selectors import (
    get_leaflet_revision,
    get_product_for_display,
    list_categories,
    search_products,
    suggest_product_names,
)
from pharmacy.api import FileOrJSONErrorNegotiation, PageNumberPagination

from . import docs
from .serializers import (
    CategoryOutputSerializer,
    LeafletRevisionOutputSerializer,
    ProductDetailOutputSerializer,
    ProductListFilterInputSerializer,
    ProductListOutputSerializer,
    ProductSuggestInputSerializer,
    product_list_data,
)


class ProductSearchPagination(PageNumberPagination):
    """The product list's page, plus what search found: `suggestion` ("Did you mean ...?") and
    `matched_pack` (the SKU an exact GTIN, PZN or SKU identified)."""

    django_paginator_class = ProductSearchPaginator

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["suggestion"] = {
            "type": "string", "nullable": True, "example": "baclofen 10mg",
            "description": "A corrected search to offer as \"Did you mean ...?\" when nothing matched the words "
                           "well (e.g. `baclofn 10mg` -> `baclofen 10mg`); null otherwise.",
        }
        response["properties"]["matched_pack"] = {
            "type": "string", "nullable": True, "example": "BAC-10-84",
            "description": "SKU of the pack whose GTIN, PZN or SKU the search was, exactly; null otherwise.",
        }
        return response


class ProductListApi(ListAPIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]
    serializer_class = ProductListOutputSerializer
    pagination_class = ProductSearchPagination
    filter_backends: list = []  # the input serializer below validates every parameter instead

    @docs.products_list
    def get(self, request, *args, **kwargs):
        not_modified, etag = api_not_modified(request)
        if not_modified is not None:
            return not_modified
        data = cached("api-products", request.build_absolute_uri(), fill=self.list_data)
        return finish_api_response(Response(data), etag)

    def list_data(self) -> dict:
        """The page as plain data (cached under the catalog version by get), read by the lean path:
        the same JSON as serializer_class's, which documents it."""
        result = self.get_search()
        page = self.paginate_queryset(result.summaries())
        data = self.get_paginated_response([product_list_data(product) for product in page]).data
        data["suggestion"] = result.suggestion(page)
        data["matched_pack"] = result.pack.sku if result.pack is not None else None
        return data

    def get_search(self):
        # .dict(): from a QueryDict, DRF would read a missing boolean as false.
        filters = ProductListFilterInputSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        ordering = data.get("ordering")
        return search_products(
            search=data.get("search", ""), category=data.get("category", ""),
            legal_category=data.get("legal_category", ""), in_stock=data.get("in_stock"),
            ordering=None if ordering in (None, "relevance") else ordering,
        )

    def get_queryset(self):
        return self.get_search().products


class ProductSuggestApi(APIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]

    @docs.products_suggest
    def get(self, request):
        data = ProductSuggestInputSerializer(data=request.query_params.dict())
        data.is_valid(raise_exception=True)
        text = data.validated_data["q"]
        results = cached("api-suggest", text, fill=lambda: suggest_product_names(text=text))
        return Response({"query": text, "results": results})


class ProductDetailApi(APIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]

    @docs.products_retrieve
    def get(self, request, product_id: int):
        not_modified, etag = api_not_modified(request)
        if not_modified is not None:
            return not_modified

        def fill() -> dict:
            try:
                product = get_product_for_display(product_id=product_id)
            except Product.DoesNotExist:
                raise NotFound("No such medicine.") from None
            return ProductDetailOutputSerializer(product, context={"request": request}).data

        data = cached("api-product", request.build_absolute_uri(), fill=fill)
        return finish_api_response(Response(data), etag)


class CategoryListApi(ListAPIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]
    serializer_class = CategoryOutputSerializer
    filter_backends: list = []

    @docs.categories_list
    def get(self, request, *args, **kwargs):
        not_modified, etag = api_not_modified(request)
        if not_modified is not None:
            return not_modified
        data = cached("api-categories", request.build_absolute_uri(),
                      fill=lambda: self.list(request, *args, **kwargs).data)
        return finish_api_response(Response(data), etag)

    def get_queryset(self):
        return list_categories()


class LeafletRevisionDetailApi(APIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]

    @docs.leaflets_retrieve
    def get(self, request, revision_id: int):
        not_modified, etag = api_not_modified(request)
        if not_modified is not None:
            return not_modified
        data = cached("api-leaflet", request.build_absolute_uri(), fill=lambda: LeafletRevisionOutputSerializer(
            _published_revision(revision_id), context={"request": request}).data)
        return finish_api_response(Response(data), etag)


class LeafletRevisionPdfApi(APIView):
    authentication_classes: list = []  # public and anonymous: no credentials to check, nothing personal
    permission_classes = [AllowAny]
    content_negotiation_class = FileOrJSONErrorNegotiation

    @docs.leaflets_pdf_retrieve
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
