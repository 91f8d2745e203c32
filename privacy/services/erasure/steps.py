"""The erasure's steps, one per kind of record: each erases or anonymises what no law asks us to keep and
returns how many records it changed. What is kept under a legal hold is measured by `held.py`, restricted
(accounts.restriction) and left to the retention clock."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone
from knox.models import AuthToken

from cart.models import Cart
from notifications.models import OutboxMessage, OutboxStatus
from orders.models import Order, OrderLine, OrderStatus
from patients.models import Patient
from patients.retention import delete_health_records
from pharmacy.storage import delete_every_version_after_commit
from prescriptions.models import Prescription
from safeguards.models import OrderContact

from ...models import DataExport

# Orders that reached the patient: their prescriptions are the supply's evidence and stay with the register.
SUPPLIED_STATUSES = [OrderStatus.DISPATCHED, OrderStatus.DELIVERED]


def erased_email(user) -> str:
    """A placeholder that keeps the unique e-mail column unique and can never receive mail (.invalid)."""
    return f"erased-{user.pk}@erased.invalid"


def revoke_sign_ins(*, user) -> int:
    """Every API token and every session of the account: the next request with any of them is refused."""
    tokens = AuthToken.objects.filter(user=user).delete()[0]
    # Sessions are signed blobs, not searchable: each live one is decoded (expired ones sign nobody in).
    session_keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    return tokens + Session.objects.filter(session_key__in=session_keys).delete()[0]


def close_account(*, user, now) -> int:
    """Anonymise the user row in place (orders and registers under a hold still point at it): no name, a
    placeholder address, no usable password, inactive, marked erased."""
    user.set_unusable_password()
    get_user_model().objects.filter(pk=user.pk).update(
        email=erased_email(user),
        full_name="",
        first_name="",
        last_name="",
        password=user.password,
        is_active=False,
        email_verified_at=None,
        erased_at=now,
    )
    return 1


def erase_sign_in_records(*, user, old_email: str) -> int:
    """Failed and successful sign-in records name the account by its address; the admin's history names
    the user row by it too."""
    deleted = sum(
        model.objects.filter(username__iexact=old_email).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )
    user_type = ContentType.objects.get_for_model(get_user_model())
    renamed = LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        object_repr=erased_email(user), change_message=""
    )
    return deleted + renamed


def erase_carts(*, user) -> int:
    return Cart.objects.filter(user=user).delete()[1].get(Cart._meta.label, 0)


def erase_health_records(*, user) -> int:
    """The account's health records and those of the people they care for. Orders and prescriptions keep
    their own snapshot of the patient and let go of the record first."""
    pks = list(Patient.objects.filter(owner=user).values_list("pk", flat=True))
    Order.objects.filter(patient_record_id__in=pks).update(patient_record=None)
    Prescription.objects.filter(patient_record_id__in=pks).update(patient_record=None)
    return delete_health_records(patient_ids=pks)


def erase_consultation_answers(*, user) -> int:
    return (
        OrderLine.objects.filter(order__user=user).exclude(consultation_answers=[]).update(consultation_answers=[])
    )


def unsupplied_prescriptions(user):
    """Uploads with no legal need: no supply was ever made against them."""
    return Prescription.objects.filter(owner=user).exclude(orders__status__in=SUPPLIED_STATUSES)


def erase_unsupplied_prescriptions(*, user) -> int:
    """Anonymise the record, and delete each file from the store (every version) once the erasure commits."""
    prescriptions = unsupplied_prescriptions(user).filter(
        ~Q(file="") | ~Q(patient_name="") | Q(patient_date_of_birth__isnull=False) | ~Q(original_filename="")
    )
    rows = list(prescriptions.values_list("pk", "file"))
    storage = Prescription._meta.get_field("file").storage
    delete_every_version_after_commit(storage, [name for _pk, name in rows if name])
    return Prescription.objects.filter(pk__in=[pk for pk, _name in rows]).update(
        file="", patient_name="", patient_date_of_birth=None, original_filename=""
    )


def erase_order_contacts(*, user) -> int:
    """The safeguards' keys of addresses, phones and cards that link orders together."""
    return OrderContact.objects.filter(Q(user=user) | Q(order__user=user)).delete()[0]


def erase_data_exports(*, user) -> int:
    exports = list(DataExport.objects.filter(user=user).values_list("pk", "file"))
    storage = DataExport._meta.get_field("file").storage
    delete_every_version_after_commit(storage, [name for _pk, name in exports if name])
    return DataExport.objects.filter(pk__in=[pk for pk, _name in exports]).delete()[0]


def forget_message_recipients(*, user) -> int:
    """E-mails already sent keep no address; those not sent yet are not sent (the account is closed)."""
    messages = OutboxMessage.objects.filter(Q(user=user) | Q(order__user=user))
    unsent = messages.filter(status=OutboxStatus.PENDING).delete()[0]
    return unsent + messages.exclude(recipient="").update(recipient="")
