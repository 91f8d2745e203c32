from django.contrib import admin

from .models import DeliveryMethod
from .services import delete_delivery_method, save_delivery_method


@admin.register(DeliveryMethod)
class DeliveryMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "price_amount", "free_over_amount", "estimate_display", "is_active",
                    "position"]
    list_editable = ["price_amount", "free_over_amount", "is_active", "position"]
    list_display_links = ["name"]
    search_fields = ["name", "code"]
    ordering = ["position", "pk"]

    @admin.display(description="estimated delivery")
    def estimate_display(self, method: DeliveryMethod) -> str:
        return method.estimate_display

    def save_model(self, request, obj, form, change) -> None:
        save_delivery_method(method=obj)

    def delete_model(self, request, obj) -> None:
        delete_delivery_method(method=obj)

    def delete_queryset(self, request, queryset) -> None:
        for method in queryset:
            delete_delivery_method(method=method)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Placed orders point at their method (PROTECT): retire a method by unticking "active".
        return super().has_delete_permission(request, obj) and (obj is None or not obj.orders.exists())
