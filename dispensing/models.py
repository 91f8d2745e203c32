"""Who may make a pharmacist's decisions, who is responsible for the pharmacy today, the register of
every supply against a prescription, and the staff's queues of orders in the admin."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from orders.models import Order

REGISTRATION_VALIDATOR = RegexValidator(
    r"^\d{7}$", "Enter the 7-digit GPhC registration number (e.g. 2071234)."
)


class PharmacistProfile(models.Model):
    """Created by an administrator. Membership of the Pharmacists group is not enough to approve or
    supply: the professional registration number here is what approval records."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="pharmacist_profile")
    registration_number = models.CharField(
        "GPhC registration number", max_length=7, unique=True, validators=[REGISTRATION_VALIDATOR]
    )
    is_superintendent = models.BooleanField(
        default=False, help_text="The superintendent pharmacist: also added to the Superintendent pharmacists group."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(registration_number__regex=r"^[0-9]{7}$"),
                                   name="pharmacist_registration_is_7_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.user} (GPhC {self.registration_number})"


class ResponsiblePharmacistLog(models.Model):
    """The RP record UK premises must keep: who was the responsible pharmacist, from when to when."""

    pharmacist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registration_number = models.CharField(max_length=7)
    signed_in_at = models.DateTimeField()
    signed_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_in_at", "-pk"]
        verbose_name = "responsible pharmacist log entry"
        verbose_name_plural = "responsible pharmacist log"
        constraints = [
            # One responsible pharmacist at a time.
            # (A unique index on a constant, over the open entries only: at most one row can be open.)
            models.UniqueConstraint(models.Value(True), condition=Q(signed_out_at__isnull=True),
                                    name="one_responsible_pharmacist_at_a_time"),
            models.CheckConstraint(
                condition=Q(signed_out_at__isnull=True) | Q(signed_out_at__gte=models.F("signed_in_at")),
                name="rp_signed_out_after_signed_in",
            ),
        ]

    def __str__(self) -> str:
        until = f"{self.signed_out_at:%d %b %Y %H:%M}" if self.signed_out_at else "now"
        return f"{self.pharmacist} from {self.signed_in_at:%d %b %Y %H:%M} to {until}"


class RegisterEntry(models.Model):
    """The prescription register: one row per order line supplied against a prescription, written at
    dispatch and never changed or deleted (model guard here; PostgreSQL trigger in migration 0002).
    Kept for good; after 2 years (the legal minimum, settings.PRESCRIPTION_REGISTER_RETENTION_YEARS) the
    retention clock may remove the patient's name and address, the one change the trigger allows (register.py)."""

    supplied_at = models.DateTimeField(help_text="The supply: when the order was dispatched.")
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="+")
    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="register_entry")
    prescription = models.ForeignKey("prescriptions.Prescription", on_delete=models.PROTECT, related_name="+")
    patient_name = models.CharField(max_length=200)
    patient_address = models.CharField(max_length=500)
    prescriber_name = models.CharField(max_length=200)
    prescriber_registration = models.CharField(max_length=50)
    prescriber_address = models.CharField(max_length=300, blank=True)
    prescription_issued_on = models.DateField()
    medicine = models.CharField(max_length=200)
    strength = models.CharField(max_length=100)
    dosage_form = models.CharField(max_length=50)
    quantity = models.PositiveIntegerField(help_text="Dosage units supplied")
    quantity_unit = models.CharField(max_length=20)
    sku = models.CharField(max_length=40)
    batch = models.CharField(max_length=300, blank=True)
    pharmacist = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   help_text="The pharmacist who approved the supply.")
    pharmacist_registration = models.CharField(max_length=20)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-supplied_at", "-pk"]
        verbose_name = "prescription register entry"
        verbose_name_plural = "prescription register"
        indexes = [models.Index(fields=["supplied_at"], name="register_supplied_at")]

    def __str__(self) -> str:
        return f"{self.supplied_at:%d %b %Y}: {self.medicine} {self.strength} × {self.quantity} for {self.patient_name}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A prescription register entry is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A prescription register entry is never deleted.")


# The staff's queues in the admin: views of orders.Order, not tables.
class OrderAwaitingReview(Order):
    """The pharmacist's review queue in the admin (a view of Order, not a table)."""

    class Meta:
        proxy = True
        verbose_name = "order awaiting prescription review"
        verbose_name_plural = "prescription review queue"


class OrderCannotSupply(Order):
    """Approved orders the release gate refuses for a reason time will not fix (a view of Order)."""

    class Meta:
        proxy = True
        verbose_name = "order that cannot be supplied"
        verbose_name_plural = "cannot supply queue"


class OrderAwaitingDispatch(Order):
    """Approved orders, each with the release conditions it still misses (a view of Order)."""

    class Meta:
        proxy = True
        verbose_name = "order awaiting dispatch"
        verbose_name_plural = "dispatch queue"
