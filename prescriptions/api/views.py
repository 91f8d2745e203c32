"""Prescriptions over the API: the shopper's uploads, and the file itself. Each view validates its input,
calls one service or selector and serializes; errors become problem documents in pharmacy.api. Their
OpenAPI description is in docs.py; the pharmacist's review is dispensing's.

Another shopper's prescription is a 404, never a 403: its existence is not confirmed.
"""

from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.second_factor import request_has_second_factor
from pharmacy.api import FileOrJSONErrorNegotiation
from pharmacy.throttling import ScopedThrottle, default_throttles_and

from ..downloads import serve_prescription_file
from ..models import FileAccessChannel, Prescription
from ..selectors import get_prescription_for_user, list_prescriptions_for_user
from ..services import submit_prescription
from . import docs
from .serializers import PrescriptionOutputSerializer, PrescriptionUploadInputSerializer


class PrescriptionListCreateApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]
    serializer_class = PrescriptionOutputSerializer
    filter_backends: list = []
    throttle_scope = "upload"
    upload_body_limit = True  # pharmacy.request_limits refuses an oversized body before it is read

    def get_throttles(self):
        extra = (ScopedThrottle,) if self.request.method == "POST" else ()
        return [throttle() for throttle in default_throttles_and(*extra)]

    def get_queryset(self):
        return list_prescriptions_for_user(user=self.request.user)

    @docs.prescriptions_list
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @docs.prescriptions_create
    def post(self, request):
        data = PrescriptionUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription = submit_prescription(owner=request.user, uploaded_file=data.validated_data["file"])
        return Response(
            PrescriptionOutputSerializer(prescription, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class PrescriptionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.prescriptions_retrieve
    def get(self, request, prescription_id: int):
        prescription = _own_prescription(user=request.user, prescription_id=prescription_id)
        return Response(PrescriptionOutputSerializer(prescription, context={"request": request}).data)


class PrescriptionFileApi(APIView):
    permission_classes = [IsAuthenticated]
    content_negotiation_class = FileOrJSONErrorNegotiation

    @docs.prescriptions_file_retrieve
    def get(self, request, prescription_id: int):
        try:
            return serve_prescription_file(user=request.user, prescription_id=prescription_id,
                                           channel=FileAccessChannel.API,
                                           second_factor=request_has_second_factor(request))
        except Prescription.DoesNotExist:
            raise NotFound("No such prescription.") from None


def _own_prescription(*, user, prescription_id: int) -> Prescription:
    try:
        return get_prescription_for_user(user=user, prescription_id=prescription_id)
    except Prescription.DoesNotExist:
        raise NotFound("No such prescription.") from None
