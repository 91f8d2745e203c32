"""The account's subject access export in the API: ask for one, read its status, download it through the
signed link. Thin: call one service, serialize."""

from django.urls import reverse
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from pharmacy.api import FileOrJSONErrorNegotiation

from ..exceptions import NoDataExport
from ..export_views import export_response
from ..models import ConsentInterface, DataExport, ExportStatus
from ..services import download_token, export_for_download, latest_export, request_export
from . import docs
from .serializers import DataExportOutputSerializer


def export_state(export: DataExport) -> dict:
    export.download_url = (
        reverse("api:me-data-export-download", kwargs={"token": download_token(export=export)})
        if export.status == ExportStatus.READY else None
    )
    return DataExportOutputSerializer(export).data


class DataExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.data_export_retrieve
    def get(self, request):
        export = latest_export(user=request.user)
        if export is None:
            raise NoDataExport()
        return Response(export_state(export))

    @docs.data_export_create
    def post(self, request):
        export, created = request_export(user=request.user, interface=ConsentInterface.API)
        return Response(export_state(export), status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)


class DataExportDownloadApi(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = FileOrJSONErrorNegotiation

    @docs.data_export_download
    def get(self, request, token: str):
        return export_response(export_for_download(user=request.user, token=token))
