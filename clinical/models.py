"""What the clinical checks found for an order, kept with it: the shopper reads the advice on the order
page, the pharmacist reads every alert with its severity and source, and records any override."""

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connections, models
from django.db.models import Aggregate, JSONField, Q

from .rule_table import Kind, Severity


class AlertSeverity(models.TextChoices):
    CONTRAINDICATED = Severity.CONTRAINDICATED, "Contraindicated"
    MAJOR = Severity.MAJOR, "Major"
    MODERATE = Severity.MODERATE, "Moderate"
    MINOR = Severity.MINOR, "Minor"


class JSONGroupArray(Aggregate):
    """SQLite's json_group_array(): the embedded default has no ARRAY_AGG, nor ORDER BY in an aggregate
    before SQLite 3.44, so the ids come as a JSON array in no set order."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()


class OrderAlertQuerySet(models.QuerySet):
    def with_line_ids(self):
        """Each alert's involved lines as `involved_line_ids`, in the same query (see `line_ids`)."""
        involved = Q(lines__isnull=False)
        if connections[self.db].vendor == "postgresql":
            return self.annotate(involved_line_ids=ArrayAgg("lines", filter=involved, order_by="lines"))
        return self.annotate(involved_line_ids=JSONGroupArray("lines", filter=involved))


class OrderAlert(models.Model):
    """One alert of one rule for one order and every line it involves (both medicines of an interaction,
    every line of a duplication). A copy of the rule's text as it stood when the alert was raised: a later
    edit of the rule file does not rewrite what was shown."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="clinical_alerts")
    # The first line involved, kept for readers of `line_id`; `lines` is what approval goes by.
    line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="clinical_alerts")
    lines = models.ManyToManyField(
        "orders.OrderLine", blank=True, related_name="clinical_alerts_involving",
        help_text="Every order line the alert involves: approving any of them needs the override.",
    )
    rule_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=30, choices=[(kind, label) for kind, label in Kind.LABELS.items()])
    severity = models.CharField(max_length=20, choices=AlertSeverity.choices)
    message = models.TextField(help_text="For the pharmacist.")
    advice = models.TextField(help_text="For the patient: shown in the cart and on the order page.")
    source = models.TextField()
    subjects = models.JSONField(default=list, blank=True, help_text="What the rule found.")
    raised_at_review = models.BooleanField(
        default=False, help_text="Raised when the pharmacist reviewed the order (e.g. from the directions)."
    )
    created = models.DateTimeField(auto_now_add=True)
    # The pharmacist's override, required to approve past a major or contraindicated alert.
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    overridden_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(blank=True)
    prescriber_contacted = models.BooleanField(null=True, blank=True)

    objects = OrderAlertQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overridden_by__isnull=True)
                | (~Q(override_reason="") & Q(prescriber_contacted__isnull=False) & Q(overridden_at__isnull=False)),
                name="order_alert_override_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.rule_id} ({self.order_id})"

    @property
    def needs_override(self) -> bool:
        return self.severity in Severity.NEEDS_OVERRIDE

    @property
    def is_overridden(self) -> bool:
        return self.overridden_by_id is not None

    @property
    def line_ids(self) -> list[int]:
        """The lines involved: from `with_line_ids()` when the query asked for them, else one query."""
        if hasattr(self, "involved_line_ids"):
            return sorted(self.involved_line_ids or [])
        return sorted(self.lines.values_list("pk", flat=True))
