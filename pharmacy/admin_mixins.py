"""Admin building blocks shared by the apps."""


class ReadOnlyAdminMixin:
    """An admin page (or inline) that shows records and never adds, changes or deletes them: audit trails
    and records that only the services write (the register, access logs, alerts, flags, import runs).
    The view permission still decides who may see them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
