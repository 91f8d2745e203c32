from django import forms
from django.http import QueryDict

from .models import LegalCategory


class ProductFilterForm(forms.Form):
    """The storefront's search and filters. Invalid values are reported and left out of the search."""

    q = forms.CharField(label="Name, ingredient, brand or barcode", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search"}))
    category = forms.ChoiceField(label="Category", required=False)
    legal_category = forms.ChoiceField(
        label="Legal category", required=False, choices=[("", "Any")] + LegalCategory.choices
    )
    in_stock = forms.BooleanField(label="In stock only", required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [(c.slug, c.name) for c in categories]

    def selector_filters(self) -> dict:
        """Keyword arguments for catalog.selectors.list_products from the fields that validated."""
        self.is_valid()  # cleaned_data then holds only the fields that validated
        data = self.cleaned_data
        return {
            "search": data.get("q", "").strip(),
            "category": data.get("category", ""),
            "legal_category": data.get("legal_category", ""),
            "in_stock": True if data.get("in_stock") else None,
        }


def search_only_filters(query: QueryDict) -> dict | None:
    """ProductFilterForm(query).selector_filters() for a query that holds at most a search (`q`) and a page,
    and whose search the form accepts, without building the form (most of an uncached list page's form
    time); None for any other query, which the form decides. The search is valid as CharField cleans it:
    stripped, at most max_length characters, no NUL; an absent choice is "" and an absent checkbox off."""
    if any(name not in ("q", "page") for name in query):
        return None
    search = query.get("q", "").strip()
    if len(search) > ProductFilterForm.base_fields["q"].max_length or "\x00" in search:
        return None
    return {"search": search, "category": "", "legal_category": "", "in_stock": None}
