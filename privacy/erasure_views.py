"""The storefront's erasure: a request from the account's privacy page, the e-mailed link's confirmation
page (a GET shows what will happen; only the POST erases), and the erasure report on that same page."""

from datetime import date

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from pharmacy.exceptions import DomainError

from .models import ErasureChannel, ErasureStatus
from .services.erasure import confirm_erasure, request_erasure, request_for_token


@login_required
@never_cache
@require_POST
def erasure_request(request):
    try:
        request_erasure(user=request.user, channel=ErasureChannel.STOREFRONT)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            f"We have sent a link to {request.user.email}. Open it and confirm to erase your account; "
            "nothing changes until you do.",
        )
    return redirect("privacy:account")


@never_cache
@require_http_methods(["GET", "POST"])
def erasure_confirm(request, token: str):
    try:
        erasure = request_for_token(token)
    except DomainError as refusal:
        return render(request, "privacy/erasure.html", {"error": refusal.message}, status=404)
    if request.method == "POST" and erasure.status != ErasureStatus.COMPLETED:
        try:
            erasure = confirm_erasure(token=token)
        except DomainError as refusal:
            return render(request, "privacy/erasure.html", {"erasure": erasure, "error": refusal.message}, status=409)
        if request.user.is_authenticated and request.user.pk == erasure.user_id:
            logout(request)
    kept = [{**entry, "until_date": date.fromisoformat(entry["until"])} for entry in erasure.report.get("kept", [])]
    return render(request, "privacy/erasure.html", {"erasure": erasure, "report": erasure.report, "kept": kept})
