from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SafeguardsConfig(AppConfig):
    name = "safeguards"
    verbose_name = "Safeguards: purchase limits and warning signs"

    def ready(self) -> None:
        from .groups import ensure_safeguard_permissions

        post_migrate.connect(ensure_safeguard_permissions, sender=self,
                             dispatch_uid="safeguards.ensure_safeguard_permissions")
