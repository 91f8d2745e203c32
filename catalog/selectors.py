"""Catalog reads, shaped for their pages and endpoints so that none of them runs a query per row."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Window

from pharmacy.compiled_query import AmongIds, CompiledQuery
from pharmacy.exceptions import DomainError

from . import search_plans
from .exceptions import ControlledDrugNotSoldOnline
from .listing import PRODUCT_FIELDS, ProductSummary, product_summaries
from .models import Category, ConsultationQuestion, LeafletRevision, Pack, Product
from .product_detail import PageProduct, read_product_for_display, read_product_page
from .search import (
    ParsedQuery,
    correct_query,
    find_pack_by_identifier,
    pack_order,
    parse_query,
)
from .search_plans import SearchFilters
from .services import check_pack_purchasable
from .suggest import suggest_products


def _packs_prefetch(*, active_only: bool = True, ordering=("pk",)) -> Prefetch:
    # select_related(None): the prefetch sets each pack's product to the one already read, so joining
    # products again would only build a second copy of each.
    packs = Pack.objects.with_details().select_related(None).with_availability().order_by(*ordering)
    if active_only:
        packs = packs.filter(is_active=True)
    return Prefetch("packs", queryset=packs)


# A ranked page's product rows, by id (in the search's order in Python), compiled once (pharmacy.compiled_query).
_PRODUCT_ROWS = CompiledQuery(Product, lambda *, ids: (
    Product.objects.filter(AmongIds("id", ids)).order_by().values_list(*PRODUCT_FIELDS)
), ids=[-4_242_424])


@dataclass
class ProductSearch:
    """What a product list shows: `products` (a shaped queryset, most relevant first when searching),
    `pack` when the query was an exact GTIN, PZN or SKU, and, asked for once a page is read, a
    "Did you mean ...?" `suggestion(page)` when nothing on it matched the words well.

    It is also what a Paginator pages (ProductSearchPaginator): `count()`, and a slice such as
    `search[20:40]` gives that page's products, fully shaped. The lists read a page's rows with SQL
    compiled once per shape of search (catalog.search_plans); `products` is built only when asked for."""

    filters: SearchFilters
    pack: Pack | None = None
    pack_ordering: list = field(default_factory=lambda: ["pk"])
    pack_ordering_key: tuple = ()  # what pack_ordering depends on: the key of its compiled SQL (catalog.listing)
    matches: int | None = field(default=None, init=False)  # known once a ranked page is read

    @property
    def query(self) -> ParsedQuery | None:
        return self.filters.query

    @cached_property
    def products(self) -> QuerySet[Product]:
        """Filtered and ordered; shaped (packs, categories) only where instances are read."""
        return self.filters.queryset(product_id=None if self.pack is None else self.pack.product_id)

    @property
    def _nothing(self) -> bool:
        return self.pack is None and self.query is not None and self.query.is_empty

    def count(self) -> int:
        if self.matches is not None:
            return self.matches
        if self.pack is not None:
            return self.products.count()
        return 0 if self._nothing else search_plans.count(self.filters)

    def __getitem__(self, window: slice) -> list[Product]:
        """The products of `window`, in order, as model instances with their packs (the lists read
        summaries() instead). A ranked search reads them in two steps: the page's ids and scores first,
        from the search documents and an index of active products (no product row is read for the hundreds
        of matches of "hay fever"), with the number of matches counted alongside, then those products by
        id with their packs."""
        if not isinstance(window, slice):
            raise TypeError("a product search is read a page (a slice) at a time")
        if not self._ranked:
            return list(_shaped(self.products, pack_ordering=self.pack_ordering)[window])
        ranked = self._ranked_page(window)
        shown = Product.objects.filter(pk__in=[row[0] for row in ranked])
        found = {product.pk: product for product in _shaped(shown, pack_ordering=self.pack_ordering)}
        page = []
        for pk, score, strong, _ in ranked:
            if pk in found:  # unless deleted between the two queries
                product = found[pk]
                product.search_score, product.search_strong = score, strong
                page.append(product)
        return page

    @property
    def _ranked(self) -> bool:
        return self.pack is None and self.query is not None and not self.query.is_empty

    def _ranked_page(self, window: slice) -> list[tuple]:
        if window.stop is None:
            ranked = list(self.products.annotate(search_matches=Window(Count("pk")))
                          .values_list("pk", "search_score", "search_strong", "search_matches")[window])
        else:
            ranked = search_plans.ranked_page(self.filters, window)
        if ranked:
            self.matches = ranked[0][3]
        return ranked

    def summaries(self, *, with_categories: bool = True) -> "ProductSummaryPages":
        """The same search, paged as lean ProductSummary objects (catalog.listing); without their
        categories (a query less) for a list that does not show them."""
        return ProductSummaryPages(self, with_categories=with_categories)

    def summary_page(self, window: slice, *, with_categories: bool = True) -> list[ProductSummary]:
        """The products of `window` as ProductSummary objects, in order: the page's product rows (for a
        ranked search, with its ids, scores and number of matches), then their packs with their strengths,
        and their categories (`with_categories`), one query each."""
        if self._nothing:
            return []
        if not self._ranked:
            if self.pack is not None or window.stop is None:
                fields = PRODUCT_FIELDS + (("search_strong",) if self.pack is not None else ())
                return self._summaries(list(self.products.values(*fields)[window]), with_categories)
            rows = search_plans.page_rows(self.filters, window)
            return self._summaries([dict(zip(PRODUCT_FIELDS, row, strict=True)) for row in rows], with_categories)
        if window.stop is None:
            ranked = self._ranked_page(window)
            found = {row[0]: row for row in _PRODUCT_ROWS.run(ids=[row[0] for row in ranked])} if ranked else {}
            rows = [{**dict(zip(PRODUCT_FIELDS, found[pk], strict=True)), "search_strong": strong}
                    for pk, _, strong, _ in ranked if pk in found]  # unless deleted between the two queries
            return self._summaries(rows, with_categories)
        # The page's ids, scores and number of matches with its product rows, in one statement.
        ranked = search_plans.ranked_page_rows(self.filters, window)
        if ranked:
            self.matches = ranked[0][3]
        fields = len(PRODUCT_FIELDS)
        rows = [{**dict(zip(PRODUCT_FIELDS, row[-fields:], strict=True)), "search_strong": row[2]} for row in ranked]
        return self._summaries(rows, with_categories)

    def _summaries(self, rows: list[dict], with_categories: bool) -> list[ProductSummary]:
        return product_summaries(rows, pack_ordering=self.pack_ordering, pack_ordering_key=self.pack_ordering_key,
                                 with_categories=with_categories)

    def suggestion(self, shown: Iterable[Product] = ()) -> str | None:
        """A corrected query, or None. No query when a product shown matched every word exactly or by
        prefix; otherwise one (catalog.search.correct_query)."""
        if self.query is None or not self.query.terms or self.pack is not None:
            return None
        if any(getattr(product, "search_strong", False) for product in shown):
            return None
        return correct_query(self.query)


@dataclass
class ProductSummaryPages:
    """A ProductSearch as a Paginator pages it when the list shows summaries: `count()`, and a slice
    gives that page's ProductSummary objects."""

    search: ProductSearch
    with_categories: bool = True

    def count(self) -> int:
        return self.search.count()

    def __getitem__(self, window: slice) -> list[ProductSummary]:
        if not isinstance(window, slice):
            raise TypeError("a product search is read a page (a slice) at a time")
        return self.search.summary_page(window, with_categories=self.with_categories)


def search_products(
    *, search: str = "", category: str = "", legal_category: str = "", in_stock: bool | None = None,
    ordering: str | None = None,
) -> ProductSearch:
    """The one product search of the storefront and the API (see catalog.search for how it ranks).
    `ordering` is a field name ("name", "-created_at"); None sorts by relevance when searching, else by name."""
    search = search.strip()
    query = parse_query(search) if search else None
    pack = find_pack_by_identifier(search) if search else None
    pack_ordering: list = ["pk"]
    pack_ordering_key: tuple = ()
    if pack is not None:
        pack_ordering = pack_order(None, matched_pack_id=pack.pk)
        pack_ordering_key = ("matched", pack.pk)
    elif query is not None and not query.is_empty:
        pack_ordering = pack_order(query)
        pack_ordering_key = ("strengths", query.strengths)
    filters = SearchFilters(query=query, category=category, legal_category=legal_category, in_stock=in_stock,
                            ordering=ordering)
    return ProductSearch(filters=filters, pack=pack, pack_ordering=pack_ordering, pack_ordering_key=pack_ordering_key)


def _shaped(products: QuerySet[Product], *, pack_ordering: list) -> QuerySet[Product]:
    return products.prefetch_related(_packs_prefetch(ordering=pack_ordering), "categories")


def list_products(
    *, search: str = "", category: str = "", legal_category: str = "", in_stock: bool | None = None
) -> QuerySet[Product]:
    result = search_products(search=search, category=category, legal_category=legal_category, in_stock=in_stock)
    return _shaped(result.products, pack_ordering=result.pack_ordering)


def suggest_product_names(*, text: str, limit: int | None = None) -> list[dict]:
    """Up to `limit` (default settings.SEARCH_SUGGEST_LIMIT) products for a search box as the shopper types:
    [{"id", "name", "slug"}]."""
    return suggest_products(text, limit=limit)


def get_product_for_display(*, slug: str | None = None, product_id: int | None = None) -> Product:
    """One active product, by slug or id, with its packs, categories and current leaflet
    (`current_leaflet`, or None), as model instances in three queries compiled once (catalog.product_detail):
    what the API's detail serialises. Raises Product.DoesNotExist."""
    return read_product_for_display(slug=slug, product_id=product_id)


def get_product_page(*, slug: str) -> PageProduct:
    """One active product as its storefront page shows it: the rows get_product_for_display reads, in the
    same three queries, as plain objects (catalog.product_detail.PageProduct). Raises Product.DoesNotExist."""
    return read_product_page(slug=slug)


def annotate_purchase_refusals(*, product: PageProduct) -> PageProduct:
    """Ask the one purchase policy about each pack of the page (one unit, stock aside) and set
    `pack.purchase_refusal` to its DomainError or None, and `product.controlled_drug_refusal` when the
    product is a controlled drug this pharmacy does not sell online. No queries."""
    product.controlled_drug_refusal = None
    for pack in product.packs:
        try:
            check_pack_purchasable(pack=pack, quantity=1, check_stock=False)
            pack.purchase_refusal = None
        except DomainError as refusal:
            pack.purchase_refusal = refusal
            if isinstance(refusal, ControlledDrugNotSoldOnline):
                product.controlled_drug_refusal = refusal
    return product


def get_current_leaflet_revision(*, product: Product) -> LeafletRevision | None:
    return (
        LeafletRevision.objects.published().with_sections().filter(product=product).order_by("-number").first()
    )


def current_leaflet_revision_ids(*, product_ids) -> dict[int, int]:
    """{product_id: id of its latest published revision}, in one query."""
    rows = (
        LeafletRevision.objects.published()
        .filter(product_id__in=set(product_ids))
        .order_by("product_id", "-number")
        .values_list("product_id", "id")
    )
    current: dict[int, int] = {}
    for product_id, revision_id in rows:
        current.setdefault(product_id, revision_id)
    return current


def current_leaflet_revision_id_expression(product_ref: str) -> Subquery:
    """The id of the latest published revision of the product at `product_ref` (None without one), as a
    column of another query: current_leaflet_revision_ids, read with the rows that name the products."""
    return Subquery(LeafletRevision.objects.published().filter(product_id=OuterRef(product_ref))
                    .order_by("-number").values("id")[:1])


def get_leaflet_revision(*, revision_id: int) -> LeafletRevision:
    return LeafletRevision.objects.published().with_sections().select_related("product").get(pk=revision_id)


def list_categories() -> QuerySet[Category]:
    return Category.objects.order_by("name")


class CategoryChoice(NamedTuple):
    slug: str
    name: str


_CATEGORY_CHOICES = CompiledQuery(Category, lambda: Category.objects.order_by("name").values_list("slug", "name"))


def list_category_choices() -> list[CategoryChoice]:
    """Every category's slug and name, by name: what the storefront's filters and links show."""
    return [CategoryChoice(*row) for row in _CATEGORY_CHOICES.run()]


def get_pack_by_sku(*, sku: str) -> Pack:
    return Pack.objects.with_details().get(sku=sku)


def consultation_questions_for(*, product_ids) -> dict[int, list[ConsultationQuestion]]:
    """Each product's consultation questions, in order: from questionnaires attached to the product and to
    its categories (each question once). Two queries whatever the number of products."""
    product_ids = list(product_ids)
    questions = list(
        ConsultationQuestion.objects.filter(questionnaire__is_active=True)
        .filter(Q(questionnaire__products__in=product_ids) | Q(questionnaire__categories__products__in=product_ids))
        .select_related("questionnaire")
        .order_by("questionnaire__name", "position", "pk")
        .distinct()
    )
    links = Product.objects.filter(pk__in=product_ids).values_list(
        "pk", "questionnaires", "categories__questionnaires"
    )
    by_product: dict[int, set[int]] = {pk: set() for pk in product_ids}
    for product_id, direct, via_category in links:
        by_product[product_id].update(q for q in (direct, via_category) if q is not None)
    return {
        product_id: [question for question in questions if question.questionnaire_id in questionnaire_ids]
        for product_id, questionnaire_ids in by_product.items()
    }
