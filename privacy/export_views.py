"""The account's subject access export in the storefront: request one, and download it through the
signed link (the e-mail's, or the account page's) while signed in as its owner."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .exceptions import ExportLimitReached, ExportNotAvailable
from .models import ConsentInterface, ExportStatus
from .services import download_token, export_for_download, latest_export, read_export, request_export


def export_response(export) -> FileResponse:
    """The ZIP as an attachment, never cached: it holds health data."""
    response = FileResponse(
        io.BytesIO(read_export(export=export)),
        as_attachment=True,
        filename=f"my-data-{export.built_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@never_cache
@require_POST
def export_request(request):
    try:
        _export, created = request_export(user=request.user, interface=ConsentInterface.STOREFRONT)
    except ExportLimitReached as refusal:
        messages.error(request, refusal.message)
        return redirect("privacy:account")
    if created:
        messages.success(request, "We are preparing a copy of your data. We will e-mail you a link when it is ready.")
    else:
        messages.info(request, "A copy of your data is already being prepared. We will e-mail you when it is ready.")
    return redirect("privacy:account")


@login_required
@never_cache
@require_GET
def export_download(request, token: str):
    try:
        export = export_for_download(user=request.user, token=token)
    except ExportNotAvailable as refusal:
        messages.error(request, refusal.message)
        return redirect("privacy:account")
    return export_response(export)


def export_context(*, user) -> dict:
    """What the account page shows of the exports: the latest, and its link while it can be downloaded."""
    export = latest_export(user=user)
    ready = (export is not None and export.status == ExportStatus.READY and export.expires_at is not None
             and export.expires_at > timezone.now())
    return {"data_export": export, "data_export_token": download_token(export=export) if ready else None}
