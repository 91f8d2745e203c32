"""Catalog reads, shaped for their pages and endpoints so that none of them runs a query per row."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from .models import Category, LeafletRevision, Pack, Product


def _packs_prefetch(*, active_only: bool = True) -> Prefetch:
    packs = Pack.objects.with_details().order_by("pk")
    if active_only:
        packs = packs.filter(is_active=True)
    return Prefetch("packs", queryset=packs)


def list_products(
    *, search: str = "", category: str = "", legal_category: str = "", in_stock: bool | None = None
) -> QuerySet[Product]:
    products = Product.objects.active()
    if search:
        products = products.search(search)
    if category:
        products = products.filter(categories__slug=category)
    if legal_category:
        products = products.filter(legal_category=legal_category)
    if in_stock is not None:
        has_stock = Exists(Pack.objects.filter(product=OuterRef("pk"), is_active=True, stock_quantity__gt=0))
        products = products.filter(has_stock) if in_stock else products.exclude(has_stock)
    return products.prefetch_related(_packs_prefetch(), "categories").order_by("name")


def get_product_for_display(*, slug: str) -> Product:
    """One active product with its packs, categories and current leaflet (`current_leaflet`, or None)."""
    product = (
        Product.objects.active()
        .prefetch_related(_packs_prefetch(), "categories")
        .get(slug=slug)
    )
    product.current_leaflet = get_current_leaflet_revision(product=product)
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


def get_leaflet_revision(*, revision_id: int) -> LeafletRevision:
    return LeafletRevision.objects.published().with_sections().select_related("product").get(pk=revision_id)


def list_categories() -> QuerySet[Category]:
    return Category.objects.order_by("name")


def get_pack_by_sku(*, sku: str) -> Pack:
    return Pack.objects.with_details().get(sku=sku)
