"""The account's privacy API: health-data consent. Thin: validate, call one service, serialize."""

from django.urls import reverse
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ConsentInterface
from ..services import active_consent, current_notice, give_consent, has_current_consent, withdraw_consent
from . import docs
from .serializers import HealthDataConsentInputSerializer, HealthDataConsentStateOutputSerializer


def consent_state(*, user) -> dict:
    notice = current_notice()
    if notice is not None:
        notice.url = reverse("privacy:notice-revision", kwargs={"number": notice.number})
    consented = has_current_consent(user=user)
    return HealthDataConsentStateOutputSerializer(
        {"consented": consented, "consent": active_consent(user=user) if consented else None, "notice": notice}
    ).data


class HealthDataConsentApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.health_data_consent_retrieve
    def get(self, request):
        return Response(consent_state(user=request.user))

    @docs.health_data_consent_create
    def post(self, request):
        data = HealthDataConsentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        give_consent(
            user=request.user, interface=ConsentInterface.API, notice_number=data.validated_data["notice_version"]
        )
        return Response(consent_state(user=request.user), status=status.HTTP_201_CREATED)

    @docs.health_data_consent_destroy
    def delete(self, request):
        withdraw_consent(user=request.user)
        return Response(consent_state(user=request.user))
