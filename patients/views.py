"""The shopper's health records in the account area. Someone else's record is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pharmacy.exceptions import DomainError

from .forms import HealthRecordForm
from .selectors import get_patient_for_user, known_ingredients, list_patients_for_user
from .services import account_holder_record, create_patient, delete_patient, update_patient


def _form(*args, **kwargs) -> HealthRecordForm:
    return HealthRecordForm(*args, ingredient_names=list(known_ingredients().values_list("name", flat=True)),
                            **kwargs)


@login_required
@never_cache
def record_list(request):
    account_holder_record(user=request.user)
    return render(request, "patients/record_list.html", {"patients": list_patients_for_user(user=request.user)})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def record_add(request):
    form = _form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = create_patient(owner=request.user, details=form.details())
        except DomainError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, f"Health record for {patient.name} added.")
            return redirect("patients:record-list")
    return render(request, "patients/record_form.html", {"form": form, "patient": None})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def record_edit(request, pk: int):
    patient = get_patient_for_user(user=request.user, pk=pk)
    form = _form(request.POST or None, initial=HealthRecordForm.initial_for(patient))
    if request.method == "POST" and form.is_valid():
        try:
            update_patient(patient=patient, details=form.details())
        except DomainError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, f"Health record for {patient.name} saved.")
            return redirect("patients:record-list")
    return render(request, "patients/record_form.html", {"form": form, "patient": patient})


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def record_remove(request, pk: int):
    patient = get_patient_for_user(user=request.user, pk=pk)
    refusal = None
    if request.method == "POST":
        try:
            delete_patient(patient=patient)
        except DomainError as error:
            refusal = error.message
        else:
            messages.success(request, f"Health record for {patient.name} removed.")
            return redirect("patients:record-list")
    return render(request, "patients/record_remove.html", {"patient": patient, "refusal": refusal})
