"""Erasure in the API: ask (signed in), then confirm with the e-mailed link's token. Thin: one service each."""

from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ErasureChannel
from ..services.erasure import confirm_erasure, request_erasure
from . import erasure_docs
from .erasure_serializers import ErasureConfirmInputSerializer, ErasureRequestOutputSerializer


class ErasureApi(APIView):
    permission_classes = [IsAuthenticated]

    @erasure_docs.erasure_create
    def post(self, request):
        erasure = request_erasure(user=request.user, channel=ErasureChannel.API)
        return Response(ErasureRequestOutputSerializer(erasure).data, status=status.HTTP_202_ACCEPTED)


class ErasureConfirmApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # the token in the body is the proof; a stale session must not interfere

    @erasure_docs.erasure_confirm
    def post(self, request):
        data = ErasureConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        erasure = confirm_erasure(token=data.validated_data["token"])
        return Response(ErasureRequestOutputSerializer(erasure).data)
