"""Reads of health records. A shopper sees only their own (anyone else's is a 404, never a 403, so ids
cannot be probed); staff reads go through patients.access, which logs them."""

from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import F, Func, JSONField, OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from catalog.models import Ingredient, Strength
from orders.models import LineDecision, OrderLine, OrderStatus

from .models import Patient

# What this pharmacy supplied: an order released by a pharmacist (or needing none) and not refused.
SUPPLIED_STATUSES = (OrderStatus.APPROVED, OrderStatus.DISPATCHED, OrderStatus.DELIVERED)


def patients_with_details() -> QuerySet[Patient]:
    ingredients = Ingredient.objects.only("pk", "name").order_by("name")
    return Patient.objects.prefetch_related(
        Prefetch("allergy_ingredients", queryset=ingredients), Prefetch("other_medicines", queryset=ingredients)
    )


def patients_with_clinical_details() -> QuerySet[Patient]:
    """Records with what the clinical checks read of them (patients.services.clinical_facts): the names
    of the allergy and other-medicine ingredients come in the record's own row (as
    `allergy_ingredient_names` and `other_medicine_names`), one statement rather than three, on
    PostgreSQL and on the embedded SQLite alike: every checkout reads its patient's record."""
    names = _ingredient_names if connection.vendor == "postgresql" else _ingredient_names_as_json
    return Patient.objects.annotate(
        allergy_ingredient_names=names(Patient.allergy_ingredients.through),
        other_medicine_names=names(Patient.other_medicines.through),
    )


def _ingredient_names(through) -> ArraySubquery:
    return ArraySubquery(through.objects.filter(patient_id=OuterRef("pk")).order_by("ingredient__name")
                         .values("ingredient__name"))


def _ingredient_names_as_json(through) -> Subquery:
    """SQLite's json_group_array() over the record's rows: an aggregate without GROUP BY, so one row, `[]`
    for none (a Func, not an Aggregate, so Django adds no GROUP BY). The order is not set; readers use a set."""
    rows = through.objects.filter(patient_id=OuterRef("pk")).order_by()
    return Subquery(rows.annotate(names=Func(F("ingredient__name"), function="JSON_GROUP_ARRAY",
                                             output_field=JSONField())).values("names"), output_field=JSONField())


def list_patients_for_user(*, user) -> QuerySet[Patient]:
    return patients_with_details().filter(owner=user)


def get_patient_for_user(*, user, pk) -> Patient:
    """The shopper's own record; raises Http404 for anyone else's."""
    return get_object_or_404(list_patients_for_user(user=user), pk=pk)


def medication_history(*, patient: Patient, since: datetime | None = None) -> QuerySet[OrderLine]:
    """The order lines this pharmacy supplied to the patient, newest first, with each pack's ingredients."""
    lines = (
        OrderLine.objects.filter(order__patient_record=patient, order__status__in=SUPPLIED_STATUSES)
        .exclude(decision=LineDecision.REFUSED)
        .select_related("order")
        .prefetch_related(Prefetch("pack__strengths", queryset=Strength.objects.select_related("ingredient")))
        .order_by("-order__created_at", "pk")
    )
    if since is not None:
        lines = lines.filter(order__created_at__gte=since)
    return lines


def known_ingredients() -> QuerySet[Ingredient]:
    return Ingredient.objects.order_by("name")


def health_record_choices(*, user) -> list[tuple[int, str]]:
    """The records of people the shopper cares for, for the checkout's choice."""
    return list(Patient.objects.filter(owner=user, is_account_holder=False).order_by("name", "pk")
                .values_list("pk", "name"))
