"""Who among staff may see health records, and the log of every time they do. Pharmacists see them (the
review needs them); other staff only with the permission patients.view_health_record. Requests for
someone else's prescription file have their own log (prescriptions.access)."""

from accounts.roles import is_pharmacist

from .models import AccessChannel, HealthRecordAccess, Patient

VIEW_PERMISSION = "patients.view_health_record"


def may_view_health_records(user) -> bool:
    if not (user is not None and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return is_pharmacist(user) or user.has_perm(VIEW_PERMISSION)


def log_health_record_view(*, staff, patient: Patient | None, channel: AccessChannel, order_number: str = "") -> None:
    """One row per view. `patient` is None for an order's health details given without a record."""
    HealthRecordAccess.objects.create(staff=staff, patient=patient, channel=channel, order_number=order_number,
                                      patient_reference=patient.pk if patient is not None else None)


def log_order_health_views(*, staff, orders, channel: AccessChannel) -> None:
    """One row per order whose health details (consultation answers, clinical alerts) a page showed."""
    HealthRecordAccess.objects.bulk_create(
        HealthRecordAccess(staff=staff, patient_id=order.patient_record_id, patient_reference=order.patient_record_id,
                           channel=channel, order_number=order.number)
        for order in {order.pk: order for order in orders}.values()
    )
