"""The OpenAPI description of the catalog endpoints (views.py): one decorator per operation
(``@docs.products_list``).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema

from pharmacy.api_schema import problem_responses

from .serializers import (
    SEARCH_HELP,
    CategoryOutputSerializer,
    LeafletRevisionOutputSerializer,
    ProductDetailOutputSerializer,
    ProductListFilterInputSerializer,
    ProductListOutputSerializer,
    ProductSuggestInputSerializer,
    ProductSuggestOutputSerializer,
)

PRODUCT_ID = OpenApiParameter("product_id", OpenApiTypes.INT, OpenApiParameter.PATH)
REVISION_ID = OpenApiParameter("revision_id", OpenApiTypes.INT, OpenApiParameter.PATH,
                               description="Id of a published leaflet revision.")
SEARCH_EXAMPLES = [
    OpenApiExample("Name and strength", value="baclofen 10mg", parameter_only=("search", "query")),
    OpenApiExample("Typo (PostgreSQL)", value="baclofn", parameter_only=("search", "query")),
    OpenApiExample("Brand or other name", value="Lioresal", parameter_only=("search", "query")),
    OpenApiExample("What it is for (GSL and P only)", value="hay fever", parameter_only=("search", "query")),
    OpenApiExample("Barcode (GTIN)", value="2099000001023", parameter_only=("search", "query")),
]


products_list = extend_schema(
    operation_id="products_list",
    summary="List and search medicines on sale",
    description="Search (`search`) understands names, ingredients, brands, strengths, forms, barcodes and, "
                "for over-the-counter medicines, what they are for; see the parameter. The page also "
                "carries `suggestion` and `matched_pack`.",
    parameters=[ProductListFilterInputSerializer,
                OpenApiParameter("search", {"type": "string", "maxLength": 100}, description=SEARCH_HELP,
                                 examples=SEARCH_EXAMPLES)],
    responses={200: ProductListOutputSerializer(many=True), **problem_responses(400, 404)},
)


products_suggest = extend_schema(
    operation_id="products_suggest",
    summary="Medicine names for a search box, as the shopper types",
    description="Up to 10 (`SEARCH_SUGGEST_LIMIT`) medicines whose name, ingredient or brand starts with "
                "the words typed, best first. It never matches on what a medicine is for, and forgives "
                "no typos (use the list's `search` and its `suggestion` for that).",
    parameters=[ProductSuggestInputSerializer,
                OpenApiParameter("q", {"type": "string", "maxLength": 100}, required=True,
                                 description=ProductSuggestInputSerializer().fields["q"].help_text, examples=[
                    OpenApiExample("Start of a name", value="bac", parameter_only=("q", "query")),
                    OpenApiExample("Brand", value="nuro", parameter_only=("q", "query")),
                ])],
    responses={200: ProductSuggestOutputSerializer, **problem_responses(400)},
    examples=[OpenApiExample("Suggestions for 'bac'", response_only=True, value={
        "query": "bac", "results": [
            {"id": 2, "name": "Baclofen oral solution", "slug": "baclofen-oral-solution"},
            {"id": 1, "name": "Baclofen tablets", "slug": "baclofen-tablets"},
        ]})],
)


products_retrieve = extend_schema(
    operation_id="products_retrieve",
    summary="A medicine with its packs and current patient information leaflet",
    parameters=[PRODUCT_ID],
    responses={200: ProductDetailOutputSerializer, **problem_responses(404)},
)


categories_list = extend_schema(
    operation_id="categories_list",
    summary="List categories",
    responses={200: CategoryOutputSerializer(many=True), **problem_responses(400, 404)},
)


leaflets_retrieve = extend_schema(
    operation_id="leaflets_retrieve",
    summary="A published patient information leaflet revision",
    parameters=[REVISION_ID],
    responses={200: LeafletRevisionOutputSerializer, **problem_responses(404)},
)


leaflets_pdf_retrieve = extend_schema(
    operation_id="leaflets_pdf_retrieve",
    summary="A published patient information leaflet revision as a PDF",
    parameters=[REVISION_ID],
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, **problem_responses(404)},
)
