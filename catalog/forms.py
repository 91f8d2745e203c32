from django import forms

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
