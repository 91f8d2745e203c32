"""The pharmacist's review in the admin. Dispensing extends orders' admin of the order and prescriptions'
admin of the prescription (both registered again here) with what staff do to a placed order: the review
page, the dispatch action, the release conditions and the original prescription, and the review queue
(admin:orders_order_review, admin:prescriptions_prescription_original). These views bind forms and call
the services."""

from datetime import timedelta

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.restriction import RestrictedRecordsAdminMixin
from accounts.roles import is_pharmacist
from clinical.forms import ClinicalOverrideForm
from clinical.services import review_alerts
from orders import admin as orders_admin
from orders.models import Order
from orders.services.originals import is_waiting_for_original
from patients.models import AccessChannel
from patients.review import review_order_health
from pharmacy.admin_mixins import ReadOnlyAdminMixin
from pharmacy.exceptions import DomainError
from prescriptions import admin as prescriptions_admin
from prescriptions.models import Prescription, PrescriptionStatus
from prescriptions.services.repeats import get_repeat_history
from safeguards.admin import FlaggedOrderFilter

from .admin_forms import (
    ApproveWithoutPrescriptionForm,
    AuthorisedItemFormSet,
    DispensingRecordForm,
    ElectronicVerifiedForm,
    LineDecisionForm,
    OriginalReceivedForm,
    RejectForm,
    dispensing_record_from_forms,
)
from .approval import approve_order, dispatch_order, reject_order
from .decisions import approve_order_line, refuse_order_line
from .expiry import extend_review_deadline
from .models import OrderAwaitingReview
from .originals import record_electronic_verified, record_original_received
from .release_gate import release_blockers
from .services import current_responsible_pharmacist

EXTEND_DEADLINE_BY = timedelta(days=7)


def _needs_dispensing_record(order) -> bool:
    return order.requires_prescription and order.prescription.status != PrescriptionStatus.APPROVED


admin.site.unregister(Order)


@admin.register(Order)
class OrderAdmin(orders_admin.OrderAdmin):
    actions = ["dispatch_selected", *orders_admin.OrderAdmin.actions]
    readonly_fields = [*orders_admin.OrderAdmin.readonly_fields, "review_link", "original_status", "release_conditions"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "status",
                    "review_link",
                    "user",
                    "created_at",
                    "updated_at",
                    "requires_pharmacist",
                    "released_by",
                    "review_deadline",
                    "release_conditions",
                )
            },
        ),
        ("Patient", {"fields": ("patient_name", "patient_date_of_birth", "patient_is_account_holder")}),
        (
            "Prescription",
            {
                "fields": (
                    "requires_prescription",
                    "prescription_link",
                    "prescription_approved_by",
                    "prescription_approved_at",
                    "approved_by_registration",
                    "original_status",
                )
            },
        ),
        *orders_admin.OrderAdmin.fieldsets[3:],  # delivery and contact, totals
    )

    @admin.display(description="Review")
    def review_link(self, order):
        if order.status != "awaiting_review":
            return "-"
        url = reverse("admin:orders_order_review", args=[order.pk])
        return format_html('<a class="button" href="{}">Review</a>', url)

    @admin.display(description="Original prescription")
    def original_status(self, order):
        if not order.prescription_id:
            return "-"
        if is_waiting_for_original(order):
            url = reverse("admin:prescriptions_prescription_original", args=[order.prescription_id])
            return format_html(
                'Waiting for the original: cannot be dispatched. <a class="button" href="{}">'
                "Record original received</a>",
                url,
            )
        return order.prescription.get_source_display()

    @admin.display(description="Before dispatch")
    def release_conditions(self, order):
        """What the release gate still misses (dispensing.release_gate): shown for an approved order."""
        if order.status != "approved":
            return "-"
        blockers = release_blockers(order)
        if not blockers:
            return "Ready to dispatch."
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((blocker.message,) for blocker in blockers))
        )

    @admin.action(description="Dispatch selected orders", permissions=["change"])
    def dispatch_selected(self, request, queryset):
        orders_admin.run_order_service(self, request, queryset, dispatch_order, "dispatched")

    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [path("<int:order_id>/review/", review, name="orders_order_review")] + super().get_urls()

    def review_view(self, request, order_id: int):
        """The pharmacist's decision on one order: approve with the dispensing record, or reject with a reason."""
        order = get_object_or_404(
            Order.objects.select_related("prescription", "user").prefetch_related("lines", "safeguard_flags"),
            pk=order_id,
        )
        if request.method == "POST" and ("_approve_line" in request.POST or "_refuse_line" in request.POST):
            return self._decide_line(request, order)
        if not self.has_view_permission(request, order):
            raise Http404
        pharmacist = is_pharmacist(request.user)
        if order.status == "awaiting_review":
            review_alerts(order=order)  # the checks again, now: supplies since checkout, recorded directions
        prescription_lines = [line for line in order.lines.all() if line.prescription_required]
        initial_items = [{"pack": line.pack_id, "quantity": line.units} for line in prescription_lines]
        record_form = DispensingRecordForm(prefix="record")
        items = AuthorisedItemFormSet(prefix="items", initial=initial_items)
        reject_form = RejectForm(prefix="reject")
        override_form = ClinicalOverrideForm(request.POST or None, prefix="override")
        if request.method == "POST":
            if not pharmacist:
                self.message_user(
                    request, "Only a pharmacist in the Pharmacists group can review prescriptions.", messages.ERROR
                )
                return HttpResponseRedirect(request.path)
            try:
                # Nothing to record when there is no prescription, or it was already verified (a repeat).
                if "_approve" in request.POST and not _needs_dispensing_record(order):
                    approve_form = ApproveWithoutPrescriptionForm(request.POST, prefix="approve")
                    if approve_form.is_valid():
                        approve_order(
                            order=order,
                            pharmacist=request.user,
                            note=approve_form.cleaned_data["note"],
                            override=override_form.override(),
                        )
                        self.message_user(request, f"Order {order.number} approved.", messages.SUCCESS)
                        return HttpResponseRedirect(reverse("admin:dispensing_orderawaitingreview_changelist"))
                elif "_approve" in request.POST:
                    record_form = DispensingRecordForm(request.POST, prefix="record")
                    items = AuthorisedItemFormSet(request.POST, prefix="items")
                    if record_form.is_valid() and items.is_valid():
                        approve_order(
                            order=order,
                            pharmacist=request.user,
                            note=record_form.cleaned_data["note"],
                            record=dispensing_record_from_forms(record_form, items),
                            override=override_form.override(),
                        )
                        self.message_user(request, f"Order {order.number} approved.", messages.SUCCESS)
                        return HttpResponseRedirect(reverse("admin:dispensing_orderawaitingreview_changelist"))
                elif "_reject" in request.POST:
                    reject_form = RejectForm(request.POST, prefix="reject")
                    if reject_form.is_valid():
                        reject_order(
                            order=order,
                            pharmacist=request.user,
                            reason=reject_form.cleaned_data["reason"],
                            note=reject_form.cleaned_data["note"],
                        )
                        self.message_user(request, f"Order {order.number} rejected; stock returned.", messages.SUCCESS)
                        return HttpResponseRedirect(reverse("admin:dispensing_orderawaitingreview_changelist"))
            except DomainError as refusal:
                if not ("_approve" in request.POST and record_form.is_bound and record_form.add_refusal(refusal)):
                    self.message_user(request, refusal.message, messages.ERROR)
        health = review_order_health(staff=request.user, order=order, channel=AccessChannel.ADMIN_ORDER_REVIEW)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Review order {order.number}",
            "opts": self.model._meta,
            "order": order,
            "health_record": health.record,
            "health_details_shown": health.shown,  # consultation answers and alert details: entitled staff only
            "prescription": order.prescription,
            "prescription_lines": prescription_lines,
            "is_pharmacist": pharmacist,
            "record_form": record_form,
            "items": items,
            "reject_form": reject_form,
            "approve_form": ApproveWithoutPrescriptionForm(prefix="approve"),
            "line_forms": [
                (
                    line,
                    LineDecisionForm(initial={"line": line.pk}, prefix=f"line-{line.pk}"),
                    ClinicalOverrideForm(prefix=f"override-{line.pk}"),
                )
                for line in order.lines.all()
                if line.legal_category == "pharmacy"
            ],
            "clinical_alerts": order.clinical_alerts.select_related("overridden_by").order_by("pk"),
            "needs_responsible_pharmacist": pharmacist
            and order.status == "awaiting_review"
            and current_responsible_pharmacist() is None,
            "override_form": override_form,
            "file_url": reverse("admin:prescriptions_prescription_file", args=[order.prescription_id])
            if order.prescription_id
            else None,
            "needs_dispensing_record": _needs_dispensing_record(order),
            "repeat": get_repeat_history(order=order),  # issue n of m, and the earlier issues
        }
        return TemplateResponse(request, "admin/dispensing/order/review.html", context)

    def _decide_line(self, request, order):
        """Approve or refuse one P line (through the services), then back to the review page."""
        if not is_pharmacist(request.user):
            self.message_user(
                request, "Only a pharmacist in the Pharmacists group can decide on medicines.", messages.ERROR
            )
            return HttpResponseRedirect(request.path)
        line = next((line for line in order.lines.all() if str(line.pk) == request.POST.get("line_id")), None)
        if line is None:
            raise Http404
        form = LineDecisionForm(request.POST, prefix=f"line-{line.pk}")
        if not form.is_valid():
            self.message_user(request, "Choose a listed reason, and keep the note to 1,000 characters.", messages.ERROR)
            return HttpResponseRedirect(request.path)
        note = form.cleaned_data["note"]
        try:
            if "_approve_line" in request.POST:
                override = ClinicalOverrideForm(request.POST, prefix=f"override-{line.pk}").override()
                approve_order_line(line=line, pharmacist=request.user, reason=note, override=override)
                self.message_user(request, f"{line.description} approved.", messages.SUCCESS)
            else:
                override = ClinicalOverrideForm(request.POST, prefix=f"override-{line.pk}").override()
                refuse_order_line(
                    line=line, pharmacist=request.user, reason=form.cleaned_data["reason"], note=note, override=override
                )
                self.message_user(
                    request,
                    f"{line.description} refused; its stock was returned and the shopper told why.",
                    messages.SUCCESS,
                )
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        return HttpResponseRedirect(request.path)


@admin.register(OrderAwaitingReview)
class OrderAwaitingReviewAdmin(RestrictedRecordsAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The pharmacist's queue: orders awaiting review, oldest first."""

    list_display = (
        "number",
        "created_at",
        "full_name",
        "email",
        "prescription_status",
        "review_deadline",
        "review_link",
    )
    list_filter = (FlaggedOrderFilter,)
    search_fields = ("number", "email", "full_name")
    list_select_related = ("prescription",)
    ordering = ("created_at", "pk")
    list_per_page = 50
    actions = ["extend_deadline_selected"]

    @admin.action(description="Extend the review deadline of the selected orders by 7 days")
    def extend_deadline_selected(self, request, queryset):
        succeeded = 0
        for order in queryset:
            until = max(order.review_deadline or timezone.now(), timezone.now()) + EXTEND_DEADLINE_BY
            try:
                extend_review_deadline(
                    order=order, pharmacist=request.user, until=until, reason="Extended in the admin."
                )
                succeeded += 1
            except DomainError as refusal:
                self.message_user(request, f"{order.number}: {refusal.message}", messages.ERROR)
        if succeeded:
            self.message_user(request, f"{succeeded} deadline(s) extended by 7 days.", messages.SUCCESS)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status="awaiting_review")

    @admin.display(description="Prescription")
    def prescription_status(self, order):
        return order.prescription.get_status_display() if order.prescription_id else "-"

    @admin.display(description="")
    def review_link(self, order):
        url = reverse("admin:orders_order_review", args=[order.pk])
        return format_html('<a class="button" href="{}">Review</a>', url)


admin.site.unregister(Prescription)


@admin.register(Prescription)
class PrescriptionAdmin(prescriptions_admin.PrescriptionAdmin):
    readonly_fields = [
        field
        for name in prescriptions_admin.PrescriptionAdmin.readonly_fields
        for field in ((name, "original_link") if name == "electronic_prescription_id" else (name,))
    ]

    @admin.display(description="Original")
    def original_link(self, prescription):
        url = reverse("admin:prescriptions_prescription_original", args=[prescription.pk])
        return format_html('<a class="button" href="{}">Record original received / electronic verified</a>', url)

    def get_urls(self):
        original = self.admin_site.admin_view(self.original_view)
        return [
            path("<int:prescription_id>/original/", original, name="prescriptions_prescription_original"),
            *super().get_urls(),
        ]

    def original_view(self, request, prescription_id: int):
        """The pharmacist records the paper original as received and checked, or the e-prescription verified."""
        prescription = get_object_or_404(Prescription.objects.select_related("owner"), pk=prescription_id)
        if not self.has_view_permission(request, prescription):
            raise Http404
        received_form = OriginalReceivedForm(prefix="original")
        electronic_form = ElectronicVerifiedForm(prefix="electronic")
        if request.method == "POST":
            try:
                if "_original" in request.POST:
                    received_form = OriginalReceivedForm(request.POST, prefix="original")
                    if received_form.is_valid():
                        record_original_received(
                            prescription=prescription,
                            pharmacist=request.user,
                            matches=received_form.cleaned_data["matches"],
                            note=received_form.cleaned_data["note"],
                        )
                        self.message_user(request, "Original prescription recorded.", messages.SUCCESS)
                        return HttpResponseRedirect(
                            reverse("admin:prescriptions_prescription_change", args=[prescription.pk]))
                elif "_electronic" in request.POST:
                    electronic_form = ElectronicVerifiedForm(request.POST, prefix="electronic")
                    if electronic_form.is_valid():
                        record_electronic_verified(
                            prescription=prescription,
                            pharmacist=request.user,
                            electronic_prescription_id=electronic_form.cleaned_data["electronic_prescription_id"],
                            note=electronic_form.cleaned_data["note"],
                        )
                        self.message_user(request, "Electronic prescription recorded as verified.", messages.SUCCESS)
                        return HttpResponseRedirect(
                            reverse("admin:prescriptions_prescription_change", args=[prescription.pk]))
            except DomainError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Original of prescription {prescription.pk}",
            "opts": self.model._meta,
            "prescription": prescription,
            "received_form": received_form,
            "electronic_form": electronic_form,
        }
        return TemplateResponse(request, "admin/dispensing/prescription/original.html", context)
