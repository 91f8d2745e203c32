from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DispensingConfig(AppConfig):
    name = "dispensing"
    verbose_name = "Dispensing: pharmacists, responsible pharmacist, prescription register"

    def ready(self) -> None:
        from .groups import ensure_superintendents_group

        post_migrate.connect(ensure_superintendents_group, sender=self,
                             dispatch_uid="dispensing.ensure_superintendents_group")
