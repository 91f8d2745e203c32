"""Prescriptions, checkout, orders and pharmacist review over the API. Each view validates its input,
calls one service or selector and serializes; errors become problem documents in pharmacy.api.

Another shopper's order or prescription is a 404, never a 403: its existence is not confirmed.
"""

import re

from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.second_factor import request_has_second_factor
from cart.services import get_or_create_user_cart
from catalog.models import Pack
from catalog.selectors import get_pack_by_sku
from clinical.checks import ClinicalOverride
from orders.downloads import serve_prescription_file
from orders.models import Order, Prescription
from orders.selectors import (
    get_order_for_review,
    get_order_for_user,
    get_prescription_for_review,
    get_prescription_for_user,
    list_checkout_questions,
    list_orders_awaiting_review,
    list_orders_for_user,
    list_prescriptions_for_user,
)
from orders.services import (
    AuthorisedItem,
    CheckoutDetails,
    DispensingRecord,
    Patient,
    approve_order,
    approve_order_line,
    cancel_order,
    extend_review_deadline,
    place_order,
    refuse_order_line,
    reject_order,
    submit_prescription,
)
from orders.services.originals import record_electronic_verified, record_original_received
from orders.services.reorders import reorder_prescription
from patients.models import AccessChannel, FileAccessChannel
from patients.review import review_order_health
from payments.services import authorise_at_checkout
from pharmacy.api import FileOrJSONErrorNegotiation
from pharmacy.throttling import ScopedThrottle, default_throttles_and

from . import docs
from .permissions import IsPharmacist
from .serializers import (
    IDEMPOTENCY_KEY_PATTERN,
    ApproveOrderInputSerializer,
    CancelOrderInputSerializer,
    CheckoutInputSerializer,
    CheckoutQuestionsOutputSerializer,
    ElectronicVerifiedInputSerializer,
    ExtendDeadlineInputSerializer,
    LineDecisionInputSerializer,
    OrderOutputSerializer,
    OriginalReceivedInputSerializer,
    PharmacistPrescriptionOutputSerializer,
    PrescriptionOutputSerializer,
    PrescriptionUploadInputSerializer,
    RejectOrderInputSerializer,
    ReorderInputSerializer,
    ReviewOrderDetailOutputSerializer,
    ReviewOrderOutputSerializer,
)

_IDEMPOTENCY_KEY_RE = re.compile(IDEMPOTENCY_KEY_PATTERN)


# --- Prescriptions --------------------------------------------------------------------------------


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


class PrescriptionReorderApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "checkout"

    @docs.prescriptions_reorder
    def post(self, request, prescription_id: int):
        idempotency_key = _idempotency_key(request)
        data = ReorderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patient = data.validated_data["patient"]
        order = reorder_prescription(
            user=request.user,
            prescription=_own_prescription(user=request.user, prescription_id=prescription_id),
            details=CheckoutDetails(**data.validated_data["shipping"]),
            idempotency_key=idempotency_key,
            patient=Patient(**patient) if patient else None,
            consultation_answers={
                item["sku"]: {answer["question_id"]: answer["answer"] for answer in item["answers"]}
                for item in data.validated_data["consultations"]
            },
        )
        order = get_order_for_user(user=request.user, number=order.number)
        return Response(
            OrderOutputSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def _own_prescription(*, user, prescription_id: int) -> Prescription:
    try:
        return get_prescription_for_user(user=user, prescription_id=prescription_id)
    except Prescription.DoesNotExist:
        raise NotFound("No such prescription.") from None


# --- Checkout -------------------------------------------------------------------------------------


class CheckoutApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = default_throttles_and(ScopedThrottle)
    throttle_scope = "checkout"

    @docs.checkout_create
    def post(self, request):
        idempotency_key = _idempotency_key(request)
        data = CheckoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription_id = data.validated_data["prescription_id"]
        patient = data.validated_data["patient"]
        order = place_order(
            user=request.user,
            cart=get_or_create_user_cart(user=request.user),
            details=CheckoutDetails(**data.validated_data["shipping"]),
            idempotency_key=idempotency_key,
            prescription=_checkout_prescription(user=request.user, prescription_id=prescription_id),
            patient=Patient(**patient) if patient else None,
            consultation_answers={
                item["sku"]: {answer["question_id"]: answer["answer"] for answer in item["answers"]}
                for item in data.validated_data["consultations"]
            },
            delivery_method=data.validated_data["delivery_method"] or None,
        )
        authorise_at_checkout(order=order, payment_method=data.validated_data["payment_method"],
                              attempt_key=idempotency_key, actor=request.user)
        order = get_order_for_user(user=request.user, number=order.number)
        return Response(
            OrderOutputSerializer(order, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class CheckoutQuestionsApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.checkout_questions_list
    def get(self, request):
        questions = list_checkout_questions(cart=get_or_create_user_cart(user=request.user))
        return Response(CheckoutQuestionsOutputSerializer(questions, many=True).data)


def _idempotency_key(request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        raise ValidationError(
            {"Idempotency-Key": ["This header is required: send a key unique to this checkout."]},
            code="required",
        )
    if not _IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise ValidationError(
            {"Idempotency-Key": ["Use 1-100 printable ASCII characters, e.g. a UUID."]}, code="invalid"
        )
    return key


def _checkout_prescription(*, user, prescription_id: int | None) -> Prescription | None:
    if prescription_id is None:
        return None
    try:
        return get_prescription_for_user(user=user, prescription_id=prescription_id)
    except Prescription.DoesNotExist:
        raise ValidationError(
            {"prescription_id": ["No prescription with this id in your account."]}, code="not_found"
        ) from None


# --- Orders ---------------------------------------------------------------------------------------


class OrderListApi(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrderOutputSerializer
    filter_backends: list = []

    def get_queryset(self):
        return list_orders_for_user(user=self.request.user)

    @docs.orders_list
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class OrderDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.orders_retrieve
    def get(self, request, number: str):
        order = _own_order(user=request.user, number=number)
        return Response(OrderOutputSerializer(order, context={"request": request}).data)


class OrderCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @docs.orders_cancel
    def post(self, request, number: str):
        data = CancelOrderInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = _own_order(user=request.user, number=number)
        cancel_order(order=order, actor=request.user, reason=data.validated_data["reason"])
        order = _own_order(user=request.user, number=number)
        return Response(OrderOutputSerializer(order, context={"request": request}).data)


def _own_order(*, user, number: str) -> Order:
    try:
        return get_order_for_user(user=user, number=number)
    except Order.DoesNotExist:
        raise NotFound("No such order.") from None


# --- Pharmacist review ----------------------------------------------------------------------------


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
            order=_order_for_review(number), pharmacist=request.user, reason=data.validated_data["reason"],
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
            approve_order_line(line=line, pharmacist=request.user, reason=data.validated_data["note"],
                               override=_clinical_override(data.validated_data))
        else:
            refuse_order_line(line=line, pharmacist=request.user, reason=data.validated_data["reason"],
                              note=data.validated_data["note"], override=_clinical_override(data.validated_data))
        return _review_response(request, number)


class ReviewOrderDeadlineApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_orders_extend_deadline
    def post(self, request, number: str):
        data = ExtendDeadlineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        extend_review_deadline(order=_order_for_review(number), pharmacist=request.user,
                               until=data.validated_data["until"], reason=data.validated_data["reason"])
        return _review_response(request, number)


class PrescriptionOriginalReceivedApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_prescriptions_original_received
    def post(self, request, prescription_id: int):
        data = OriginalReceivedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription = record_original_received(
            prescription=_prescription_for_pharmacist(prescription_id), pharmacist=request.user,
            matches=data.validated_data["matches"], note=data.validated_data["note"],
        )
        return Response(PharmacistPrescriptionOutputSerializer(prescription, context={"request": request}).data)


class PrescriptionElectronicVerifiedApi(APIView):
    permission_classes = [IsPharmacist]

    @docs.pharmacist_prescriptions_electronic_verified
    def post(self, request, prescription_id: int):
        data = ElectronicVerifiedInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        prescription = record_electronic_verified(
            prescription=_prescription_for_pharmacist(prescription_id), pharmacist=request.user,
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
    context = {"request": request, "for_pharmacist": True, "health_record": health.record,
               "health_details_shown": health.shown}
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
            AuthorisedItem(pack=pack, quantity=item["quantity"], directions=item["directions"], dose=item["dose"],
                           dose_unit=item["dose_unit"], times_per_day=item["times_per_day"],
                           as_directed=item["as_directed"])
            for pack, item in zip(packs, data["items"], strict=True)
        ],
    )


def _clinical_override(data: dict) -> ClinicalOverride:
    return ClinicalOverride(reason=data["override_reason"], prescriber_contacted=data["prescriber_contacted"])
