from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from .roles import ensure_staff_groups

        # For every app, after auth has created that app's permissions (auth's receiver was connected first).
        post_migrate.connect(ensure_staff_groups, dispatch_uid="accounts.ensure_staff_groups")
