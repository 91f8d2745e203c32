from django.contrib import admin, messages

from pharmacy.exceptions import DomainError

from .models import OutboxMessage
from .services import send_messages_again


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("order", "kind_shown", "recipient", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("order__number", "recipient")
    list_select_related = ("order",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["send_again"]

    @admin.display(description="kind", ordering="kind")
    def kind_shown(self, obj: OutboxMessage) -> str:
        """The label its app registered (the column has no choices: the apps register the kinds)."""
        return obj.kind_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        """As for orders: the permission gates the action; a message's own page is read-only."""
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Hand pending messages to the workers now", permissions=["change"])
    def send_again(self, request, queryset):
        try:
            handed = send_messages_again(actor=request.user, message_ids=list(queryset.values_list("pk", flat=True)))
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return
        self.message_user(request, f"{handed} message(s) handed to the workers.", messages.SUCCESS)
