"""A shopper with a history worth erasing, and the scan of every text column of every table."""

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

from orders.models import OrderLine
from prescriptions.models import Prescription
from privacy.models import ConsentInterface
from privacy.services import give_consent
from tests.builders.dispensing import supply
from tests.builders.orders import cart_with, uploaded_prescription
from tests.builders.patients import child_record
from tests.builders.privacy import published_notice
from tests.factories import UserFactory

NAME, EMAIL, PHONE = "Ada Shopper", "ada@example.org", "07700 900123"  # as tests.builders.orders.details()
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)  # EmailField is a CharField


def shopper(**overrides):
    return UserFactory(full_name=NAME, email=EMAIL, **overrides)


def shopper_history(user, pom_pack, pharmacist, *, key: str = "erasure"):
    """A dispatched prescription order (register entry, supplied prescription, consultation answers), a
    prescription uploaded and never used, a child's health record, a basket and a consent."""
    order = supply(user, pom_pack, pharmacist, key=key, units=84)
    OrderLine.objects.filter(order=order).update(
        consultation_answers=[{"question": "Who is it for?", "answer_type": "text", "answer": NAME}]
    )
    unused = uploaded_prescription(user)
    Prescription.objects.filter(pk=unused.pk).update(patient_name=NAME)
    child_record(user, name="Sam Shopper")
    cart_with(user, (pom_pack, 1))
    give_consent(user=user, interface=ConsentInterface.API, notice_number=published_notice().number)
    return order, unused


def rows_naming(*values: str) -> set[tuple[str, int]]:
    """(model label, pk) of every row of every table with one of `values` in a text or JSON column."""
    found = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            rows = models.QuerySet(model=model).annotate(scanned_text=Cast(field.name, models.TextField()))
            for value in values:
                hits = rows.filter(scanned_text__icontains=value).values_list("pk", flat=True)
                found |= {(model._meta.label, pk) for pk in hits}
    return found
