"""What every catalog admin that changes the shop window shares."""

from ..cache import bump_catalog_version


class BumpsCatalogVersion:
    """Admin saves and deletes change what shoppers see: each one bumps the catalog cache version
    (catalog/cache.py) next to the write. The admin's own transaction makes the after-commit bump fire
    once the change is visible."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_catalog_version()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        bump_catalog_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_catalog_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_catalog_version()
