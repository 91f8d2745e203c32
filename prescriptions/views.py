"""Storefront prescription pages: the shopper's prescriptions (and the upload form), and the file.

Each view binds a form, calls a service and redirects, or renders; refusals (DomainError) are shown
next to the field they concern. Another shopper's prescription is a 404, never a 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pharmacy.exceptions import DomainError
from pharmacy.request_limits import limit_upload_body
from pharmacy.throttling import throttle_posts

from .downloads import serve_prescription_file
from .forms import PrescriptionUploadForm
from .models import FileAccessChannel, Prescription
from .selectors import list_prescriptions_for_user
from .services import submit_prescription

PRESCRIPTIONS_PER_PAGE = 10


@login_required
@require_http_methods(["GET", "POST"])
@throttle_posts("upload")
@limit_upload_body
def prescription_list(request):
    if request.method == "POST":
        form = PrescriptionUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                submit_prescription(owner=request.user, uploaded_file=form.cleaned_data["file"])
            except DomainError as refusal:
                form.add_refusal(refusal)
            else:
                messages.success(request, "Your prescription is uploaded; you can choose it at checkout.")
                return redirect("prescriptions:prescription-list")
    else:
        form = PrescriptionUploadForm()
    prescriptions = list_prescriptions_for_user(user=request.user).prefetch_related("items__pack__strengths")
    page = Paginator(prescriptions, PRESCRIPTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "prescriptions/prescription_list.html", {
        "form": form, "page_obj": page, "prescriptions": page.object_list,
    })


@login_required
def prescription_file(request, pk: int):
    """The uploaded file, for its owner alone; 404 for anyone else, as for a missing one. Pharmacists see
    other people's files in the admin or through the API, with their second factor, never here."""
    try:
        return serve_prescription_file(user=request.user, prescription_id=pk, channel=FileAccessChannel.STOREFRONT)
    except Prescription.DoesNotExist:
        raise Http404("No such prescription.") from None
