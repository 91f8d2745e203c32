from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from notifications.registry import register

        from .emails import build_account_email
        from .models import AccountMessageKind
        from .roles import ensure_staff_groups

        # The outbox sends the account's messages with the builder of the app that owns the account.
        for kind in AccountMessageKind:
            register(kind, build_account_email)

        # For every app, after auth has created that app's permissions (auth's receiver was connected first).
        post_migrate.connect(ensure_staff_groups, dispatch_uid="accounts.ensure_staff_groups")
