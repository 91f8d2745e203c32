from django.contrib import admin

from .models import DeliveryMethod


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

    def has_delete_permission(self, request, obj=None) -> bool:
        # Placed orders point at their method (PROTECT): retire a method by unticking "active".
        return super().has_delete_permission(request, obj) and (obj is None or not obj.orders.exists())
