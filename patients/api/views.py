"""The signed-in shopper's health records: theirs and those of the people they care for. Anyone else's
record is a 404, never a 403, so ids cannot be probed."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from pharmacy.api_schema import problem_responses

from ..selectors import get_patient_for_user, list_patients_for_user
from ..services import HealthRecordDetails, account_holder_record, create_patient, delete_patient, update_patient
from .serializers import HealthRecordInputSerializer, HealthRecordOutputSerializer

RECORD_ID = OpenApiParameter("record_id", OpenApiTypes.INT, OpenApiParameter.PATH)
RECORD_EXAMPLE = {
    "name": "Sam Lovelace",
    "date_of_birth": "2015-04-01",
    "sex": "male",
    "pregnant": False,
    "pregnancy_weeks": None,
    "breastfeeding": False,
    "conditions": ["asthma"],
    "allergy_classes": ["penicillins"],
    "allergy_ingredients": [],
    "other_medicines": ["Salbutamol"],
    "other_medicines_text": "A brown inhaler in winter",
}
REFUSAL_EXAMPLE = OpenApiExample(
    "422 invalid_health_record",
    response_only=True,
    status_codes=["422"],
    media_type="application/problem+json",
    value={
        "type": "urn:pharmacy:problem:invalid_health_record",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": "The date of birth cannot be in the future.",
        "code": "invalid_health_record",
        "errors": [{"field": "date_of_birth", "code": "invalid_health_record",
                    "message": "The date of birth cannot be in the future."}],
    },
)


def _details(data: dict) -> HealthRecordDetails:
    return HealthRecordDetails(**data)


def _record(request, record_id: int):
    return get_patient_for_user(user=request.user, pk=record_id)


def _output(patient) -> dict:
    return HealthRecordOutputSerializer(patient).data


class HealthRecordListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="patients_list",
        summary="Your health records: yours first, then the people you care for",
        description="Your own record is made on first use from your account's name.",
        responses={200: HealthRecordOutputSerializer(many=True), **problem_responses(400, 401)},
    )
    def get(self, request):
        account_holder_record(user=request.user)
        return Response([_output(patient) for patient in list_patients_for_user(user=request.user)])

    @extend_schema(
        operation_id="patients_create",
        summary="Add a health record for someone you care for (such as a child)",
        request=HealthRecordInputSerializer,
        responses={201: HealthRecordOutputSerializer, **problem_responses(400, 401, 422)},
        examples=[OpenApiExample("A child with asthma", request_only=True, value=RECORD_EXAMPLE),
                  REFUSAL_EXAMPLE],
    )
    def post(self, request):
        data = HealthRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patient = create_patient(owner=request.user, details=_details(data.validated_data))
        return Response(_output(_record(request, patient.pk)), status=status.HTTP_201_CREATED)


class HealthRecordDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="patients_retrieve",
        summary="One of your health records",
        parameters=[RECORD_ID],
        responses={200: HealthRecordOutputSerializer, **problem_responses(400, 401, 404)},
    )
    def get(self, request, record_id: int):
        return Response(_output(_record(request, record_id)))

    @extend_schema(
        operation_id="patients_update",
        summary="Replace one of your health records",
        parameters=[RECORD_ID],
        request=HealthRecordInputSerializer,
        responses={200: HealthRecordOutputSerializer, **problem_responses(400, 401, 404, 422)},
        examples=[OpenApiExample("A record brought up to date", request_only=True, value=RECORD_EXAMPLE),
                  REFUSAL_EXAMPLE],
    )
    def put(self, request, record_id: int):
        patient = _record(request, record_id)
        data = HealthRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        update_patient(patient=patient, details=_details(data.validated_data))
        return Response(_output(_record(request, record_id)))

    @extend_schema(
        operation_id="patients_destroy",
        summary="Remove the record of someone you care for",
        description="Your own record, and one named on an order, stay (422 `health_record_in_use`).",
        parameters=[RECORD_ID],
        responses={204: None, **problem_responses(400, 401, 404, 422)},
    )
    def delete(self, request, record_id: int):
        delete_patient(patient=_record(request, record_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
