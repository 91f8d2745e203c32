"""Pages of a product list or search, for the storefront (Paginator) and the API (DRF's page numbers)."""

from django.core.paginator import Paginator


class ProductSearchPaginator(Paginator):
    """Django's Paginator over a catalog.selectors.ProductSearch (or any sliceable with count()). The
    first page is read before the count is asked for: a page with room to spare holds every match, so its
    length is the count, and a ranked search counts its matches in the page's own query. Either way no
    separate COUNT query runs, which for a search costs as much as the page itself."""

    def page(self, number):
        if not (_is_one(number) and self.orphans == 0 and "count" not in self.__dict__):
            return super().page(number)
        products = list(self.object_list[0:self.per_page])
        if len(products) < self.per_page:
            self.count = len(products)  # Paginator.count is a cached_property: this is its value
        if not products and not self.allow_empty_first_page:
            return super().page(number)  # raises EmptyPage, as Paginator does
        return self._get_page(products, 1, self)

    def get_page(self, number):
        try:
            int(number)
        except (TypeError, ValueError):
            number = 1  # Paginator.get_page shows the first page for a missing or malformed number
        return self.page(number) if _is_one(number) else super().get_page(number)


def _is_one(number) -> bool:
    if isinstance(number, float) and not number.is_integer():
        return False  # Paginator refuses 1.5 as a page number
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return False
