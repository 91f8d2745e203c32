from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Health-data privacy: the retention policy and its nightly clock, the privacy notice and consent,
    subject access exports. The top layer, next to demo: it reads every app's records to export them and
    apply retention; lower apps never import it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = "Privacy: consent, exports and retention"

    def ready(self) -> None:
        from notifications.registry import register
        from pharmacy.metrics import register_gauges

        from . import checks  # noqa: F401  (registers the system check)
        from .checkout import register as register_checkout_consent
        from .emails import build_data_export_email
        from .erasure_emails import build_erasure_email
        from .metrics import erasure_queue_gauges, retention_gauges
        from .retention import retention_policy
        from .services.erasure import ErasureMessageKind
        from .services.export import DATA_EXPORT_READY

        register_gauges(retention_gauges)
        register_gauges(erasure_queue_gauges)
        register(DATA_EXPORT_READY, build_data_export_email, label="Your data export is ready")

        register(ErasureMessageKind.CONFIRMATION, build_erasure_email, label="Confirm the erasure of the account")
        # The report goes to the address the erased account had: the outbox row forgets it once sent.
        register(ErasureMessageKind.REPORT, build_erasure_email, label="Erasure report", forget_recipient=True)
        register_checkout_consent()

        # Read and validate the policy now: a malformed entry stops start-up (RetentionPolicyError names the
        # file and the kind) instead of keeping or deleting records nobody decided about.
        retention_policy()
