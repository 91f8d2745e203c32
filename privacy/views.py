"""The privacy notice (the revision in force at a stable URL, and each published revision), and the
account's privacy page: health-data consent (give, withdraw)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from pharmacy.exceptions import DomainError

from .export_views import export_context
from .forms import HealthDataConsentForm
from .models import ConsentInterface, PrivacyNoticeRevision
from .retention import retention_policy
from .services import active_consent, current_notice, give_consent, has_current_consent, withdraw_consent


def _render_notice(request, revision: PrivacyNoticeRevision):
    current = current_notice()
    return render(
        request,
        "privacy/notice.html",
        {
            "revision": revision,
            "current": current,
            "policy": retention_policy(),
            "revisions": PrivacyNoticeRevision.objects.published().order_by("-number"),
        },
    )


@require_GET
def notice(request):
    revision = current_notice()
    if revision is None:
        raise Http404("No privacy notice is published yet.")
    return _render_notice(request, revision)


@require_GET
def notice_revision(request, number: int):
    revision = PrivacyNoticeRevision.objects.published().filter(number=number).first()
    if revision is None:
        raise Http404("No such revision of the privacy notice.")
    return _render_notice(request, revision)


def _account_page(request, form: HealthDataConsentForm | None = None, status: int = 200):
    notice_in_force = current_notice()
    consent = active_consent(user=request.user)
    if form is None and notice_in_force is not None:
        form = HealthDataConsentForm(initial={"notice_version": notice_in_force.number})
    return render(
        request,
        "privacy/account.html",
        {
            "notice": notice_in_force,
            "consent": consent,
            "consent_current": has_current_consent(user=request.user),
            "form": form,
            **export_context(user=request.user),
        },
        status=status,
    )


@login_required
@never_cache
@require_GET
def account(request):
    return _account_page(request)


@login_required
@never_cache
@require_POST
def consent_give(request):
    form = HealthDataConsentForm(request.POST)
    if form.is_valid():
        try:
            give_consent(
                user=request.user,
                interface=ConsentInterface.STOREFRONT,
                notice_number=form.cleaned_data["notice_version"],
            )
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, "Thank you: your explicit consent to the use of your health data is recorded.")
            return redirect("privacy:account")
    return _account_page(request, form=form, status=400)


@login_required
@never_cache
@require_POST
def consent_withdraw(request):
    try:
        withdraw_consent(user=request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            "Your consent is withdrawn. We will take no new order that needs it until you "
            "give it again; records the law requires us to keep stay until their period ends.",
        )
    return redirect("privacy:account")
