"""Pharmacist review over the API: the orders awaiting review, approving or rejecting them (or each
pharmacy-only item), more time before the review deadline, and the prescription's original or electronic
verification. Pharmacists only; the OpenAPI description is in review_docs.py.
"""

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Pack
from catalog.selectors import get_pack_by_sku
from clinical.checks import ClinicalOverride
from orders.models import Order
from orders.selectors import get_order_for_review, list_orders_awaiting_review
from patients.models import AccessChannel
from patients.review import review_order_health
from prescriptions.models import Prescription
from prescriptions.selectors import get_prescription_for_review
from prescriptions.services import AuthorisedItem, DispensingRecord

from ..approval import approve_order, reject_order
from ..decisions import approve_order_line, refuse_order_line
from ..expiry import extend_review_deadline
from ..originals import record_electronic_verified, record_original_received
from . import review_docs as docs
from .permissions import IsPharmacist
from .serializers import (
    ApproveOrderInputSerializer,
    ElectronicVerifiedInputSerializer,
    ExtendDeadlineInputSerializer,
    LineDecisionInputSerializer,
    OriginalReceivedInputSerializer,
    PharmacistPrescriptionOutputSerializer,
    RejectOrderInputSerializer,
    ReviewOrderDetailOutputSerializer,
    ReviewOrderOutputSerializer,
)


class ReviewOrderListApi(ListAPIView):
    permission_classes = [IsPharmacist]
    serializer_class = ReviewOrderOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return list_orders_awaiting_review()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "for_pharmacist": True}

    @docs.pharmacist_orders_list
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class ReviewOrderDetailApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_orders_retrieve
    def get(self, request, number: str):
        return _review_response(request, number)


class ReviewOrderApproveApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_orders_approve
    def post(self, request, number: str):
        data = ApproveOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = _order_for_review(number)
        approve_order(
            order=order,
            pharmacist=request.user,
            record=_dispensing_record(data.validated_data),
            note=data.validated_data["note"],
            override=_clinical_override(data.validated_data),
        )
        return _review_response(request, number)


class ReviewOrderRejectApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_orders_reject
    def post(self, request, number: str):
        data = RejectOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reject_order(
            order=_order_for_review(number),
            pharmacist=request.user,
            reason=data.validated_data["reason"],
            note=data.validated_data["note"],
        )
        return _review_response(request, number)


class ReviewOrderLineDecisionApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_orders_lines_decide
    def post(self, request, number: str, line_id: int):
        data = LineDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = _order_for_review(number)
        line = next((line for line in order.lines.all() if line.pk == line_id), None)
        if line is None:
            raise NotFound("No such line in this order.")
        if data.validated_data["decision"] == "approve":
            approve_order_line(
                line=line,
                pharmacist=request.user,
                reason=data.validated_data["note"],
                override=_clinical_override(data.validated_data),
            )
        else:
            refuse_order_line(
                line=line,
                pharmacist=request.user,
                reason=data.validated_data["reason"],
                note=data.validated_data["note"],
                override=_clinical_override(data.validated_data),
            )
        return _review_response(request, number)


class ReviewOrderDeadlineApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_orders_extend_deadline
    def post(self, request, number: str):
        data = ExtendDeadlineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extend_review_deadline(
            order=_order_for_review(number),
            pharmacist=request.user,
            until=data.validated_data["until"],
            reason=data.validated_data["reason"],
        )
        return _review_response(request, number)


class PrescriptionOriginalReceivedApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_prescriptions_original_received
    def post(self, request, prescription_id: int):
        data = OriginalReceivedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription = record_original_received(
            prescription=_prescription_for_pharmacist(prescription_id),
            pharmacist=request.user,
            matches=data.validated_data["matches"],
            note=data.validated_data["note"],
        )
        return Response(PharmacistPrescriptionOutputSerializer(prescription, context={"request": request}).data)


class PrescriptionElectronicVerifiedApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_prescriptions_electronic_verified
    def post(self, request, prescription_id: int):
        data = ElectronicVerifiedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription = record_electronic_verified(
            prescription=_prescription_for_pharmacist(prescription_id),
            pharmacist=request.user,
            electronic_prescription_id=data.validated_data["electronic_prescription_id"],
            note=data.validated_data["note"],
        )
        return Response(PharmacistPrescriptionOutputSerializer(prescription, context={"request": request}).data)


def _prescription_for_pharmacist(prescription_id: int) -> Prescription:
    try:
        return get_prescription_for_review(prescription_id=prescription_id)
    except Prescription.DoesNotExist:
        raise NotFound("No such prescription.") from None


def _order_for_review(number: str) -> Order:
    try:
        return get_order_for_review(number=number)
    except Order.DoesNotExist:
        raise NotFound("No such order.") from None


def _review_response(request, number: str) -> Response:
    order = _order_for_review(number)
    health = review_order_health(staff=request.user, order=order, channel=AccessChannel.API_ORDER_REVIEW)
    context = {
        "request": request,
        "for_pharmacist": True,
        "health_record": health.record,
        "health_details_shown": health.shown,
    }
    return Response(ReviewOrderDetailOutputSerializer(order, context=context).data)


def _dispensing_record(data: dict) -> DispensingRecord | None:
    if "items" not in data:
        return None
    packs: list[Pack] = []
    item_errors: list[dict] = []
    for item in data["items"]:
        try:
            packs.append(get_pack_by_sku(sku=item["sku"]))
            item_errors.append({})
        except Pack.DoesNotExist:
            item_errors.append({"sku": [f"No product with SKU {item['sku']}."]})
    if any(item_errors):
        raise ValidationError({"items": item_errors}, code="unknown_sku")
    return DispensingRecord(
        prescriber_name=data["prescriber_name"],
        prescriber_registration=data["prescriber_registration"],
        issued_on=data["issued_on"],
        valid_until=data.get("valid_until"),  # None: six months (28 days) from the date of issue
        prescriber_address=data.get("prescriber_address", ""),
        patient_name=data.get("patient_name", ""),
        patient_date_of_birth=data.get("patient_date_of_birth"),
        repeatable=data.get("repeatable", False),
        issues_authorised=data.get("issues_authorised"),
        repeat_interval_days=data.get("repeat_interval_days"),
        items=[
            AuthorisedItem(
                pack=pack,
                quantity=item["quantity"],
                directions=item["directions"],
                dose=item["dose"],
                dose_unit=item["dose_unit"],
                times_per_day=item["times_per_day"],
                every_days=item["every_days"],
                as_directed=item["as_directed"],
            )
            for pack, item in zip(packs, data["items"], strict=True)
        ],
    )


def _clinical_override(data: dict) -> ClinicalOverride:
    return ClinicalOverride(reason=data["override_reason"], prescriber_contacted=data["prescriber_contacted"])
