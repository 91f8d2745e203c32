"""Staff and pharmacists' admin. Orders are never edited field by field: every change is a service
call (review, dispatch, delivery, cancellation), so the admin cannot skip a rule the shop enforces."""

from datetime import timedelta

from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.roles import is_pharmacist
from accounts.second_factor import request_has_second_factor
from clinical.forms import ClinicalOverrideForm
from clinical.services import review_alerts
from dispensing.release_gate import release_blockers
from dispensing.services import current_responsible_pharmacist
from patients.models import AccessChannel, FileAccessChannel
from patients.review import review_order_health
from payments.admin import PaymentInline
from pharmacy.admin_mixins import ReadOnlyAdminMixin
from pharmacy.exceptions import DomainError
from safeguards.admin import FlaggedOrderFilter, OrderFlagInline

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
from .downloads import serve_prescription_file
from .models import (
    Order,
    OrderAwaitingReview,
    OrderEvent,
    OrderLine,
    OutboxMessage,
    Prescription,
    PrescriptionIssue,
    PrescriptionItem,
    PrescriptionStatus,
)
from .services import (
    approve_order,
    approve_order_line,
    cancel_order,
    dispatch_order,
    extend_review_deadline,
    mark_order_delivered,
    refuse_order_line,
    reject_order,
    send_messages_again,
)
from .services.originals import is_waiting_for_original, record_electronic_verified, record_original_received
from .services.repeats import get_repeat_history

EXTEND_DEADLINE_BY = timedelta(days=7)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("description", "sku", "legal_category", "quantity", "unit_price_amount", "vat_rate", "vat_amount",
              "leaflet_revision", "decision", "decision_reason", "decided_by", "decided_at")
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields


class OutboxMessageInline(ReadOnlyInline):
    model = OutboxMessage
    fields = ("kind", "recipient", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields


def _run_service(modeladmin, request, queryset, service, done: str, **kwargs):
    succeeded = 0
    for order in queryset:
        try:
            service(order=order, actor=request.user, **kwargs)
            succeeded += 1
        except DomainError as refusal:
            modeladmin.message_user(request, f"{order.number}: {refusal.message}", messages.ERROR)
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} order(s) {done}.", messages.SUCCESS)


def _needs_dispensing_record(order) -> bool:
    return order.requires_prescription and order.prescription.status != PrescriptionStatus.APPROVED


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "created_at", "email", "status", "requires_prescription", "total_amount", "currency")
    list_filter = ("status", "requires_prescription", FlaggedOrderFilter, "created_at")
    date_hierarchy = "created_at"
    search_fields = ("number", "email", "full_name", "postcode")
    list_select_related = ("user",)
    ordering = ("-created_at",)
    inlines = [OrderFlagInline, OrderLineInline, PaymentInline, OrderEventInline, OutboxMessageInline]
    actions = ["dispatch_selected", "mark_delivered_selected", "cancel_selected"]
    readonly_fields = [
        "number", "user", "status", "review_link", "prescription_link", "prescription_approved_by",
        "prescription_approved_at", "approved_by_registration", "original_status", "release_conditions",
        "email", "full_name", "phone", "address_line1", "address_line2", "city",
        "postcode", "country", "currency", "total_amount", "requires_prescription", "created_at", "updated_at",
        "requires_pharmacist", "released_by", "review_deadline", "patient_name", "patient_date_of_birth",
        "patient_is_account_holder",
        "subtotal_amount", "delivery_method", "delivery_method_name", "delivery_amount", "delivery_vat_amount",
        "vat_amount",
    ]
    fieldsets = (
        (None, {"fields": ("number", "status", "review_link", "user", "created_at", "updated_at",
                           "requires_pharmacist", "released_by", "review_deadline", "release_conditions")}),
        ("Patient", {"fields": ("patient_name", "patient_date_of_birth", "patient_is_account_holder")}),
        ("Prescription", {"fields": ("requires_prescription", "prescription_link", "prescription_approved_by",
                                     "prescription_approved_at", "approved_by_registration", "original_status")}),
        ("Delivery and contact", {"fields": ("full_name", "email", "phone", "address_line1", "address_line2",
                                             "city", "postcode", "country")}),
        ("Totals (including VAT)", {"fields": ("subtotal_amount", "delivery_method_name", "delivery_method",
                                               "delivery_amount", "delivery_vat_amount", "vat_amount",
                                               "total_amount", "currency")}),
    )

    def has_add_permission(self, request):
        return False  # orders come from checkout only

    def has_change_permission(self, request, obj=None):
        """The change permission gates the actions (dispatch, deliver, cancel); one order's page has no
        editable field, so it is read-only for everyone: no Save button, and a POST is refused."""
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # an order is a legal record; cancel it instead

    @admin.display(description="Review")
    def review_link(self, order):
        if order.status != "awaiting_review":
            return "-"
        url = reverse("admin:orders_order_review", args=[order.pk])
        return format_html('<a class="button" href="{}">Review</a>', url)

    @admin.display(description="Prescription")
    def prescription_link(self, order):
        if not order.prescription_id:
            return "-"
        url = reverse("admin:orders_prescription_change", args=[order.prescription_id])
        return format_html('<a href="{}">Prescription {}</a>', url, order.prescription_id)

    @admin.display(description="Original prescription")
    def original_status(self, order):
        if not order.prescription_id:
            return "-"
        if is_waiting_for_original(order):
            url = reverse("admin:orders_prescription_original", args=[order.prescription_id])
            return format_html('Waiting for the original: cannot be dispatched. <a class="button" href="{}">'
                               'Record original received</a>', url)
        return order.prescription.get_source_display()

    @admin.display(description="Before dispatch")
    def release_conditions(self, order):
        """What the release gate still misses (dispensing.release_gate): shown for an approved order."""
        if order.status != "approved":
            return "-"
        blockers = release_blockers(order)
        if not blockers:
            return "Ready to dispatch."
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>",
                                                           ((blocker.message,) for blocker in blockers)))

    @admin.action(description="Dispatch selected orders", permissions=["change"])
    def dispatch_selected(self, request, queryset):
        _run_service(self, request, queryset, dispatch_order, "dispatched")

    @admin.action(description="Mark selected orders delivered", permissions=["change"])
    def mark_delivered_selected(self, request, queryset):
        _run_service(self, request, queryset, mark_order_delivered, "marked delivered")

    @admin.action(description="Cancel selected orders (stock is returned)", permissions=["change"])
    def cancel_selected(self, request, queryset):
        _run_service(self, request, queryset, cancel_order, "cancelled")

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
                self.message_user(request, "Only a pharmacist in the Pharmacists group can review prescriptions.",
                                  messages.ERROR)
                return HttpResponseRedirect(request.path)
            try:
                # Nothing to record when there is no prescription, or it was already verified (a repeat).
                if "_approve" in request.POST and not _needs_dispensing_record(order):
                    approve_form = ApproveWithoutPrescriptionForm(request.POST, prefix="approve")
                    if approve_form.is_valid():
                        approve_order(order=order, pharmacist=request.user, note=approve_form.cleaned_data["note"],
                                      override=override_form.override())
                        self.message_user(request, f"Order {order.number} approved.", messages.SUCCESS)
                        return HttpResponseRedirect(reverse("admin:orders_orderawaitingreview_changelist"))
                elif "_approve" in request.POST:
                    record_form = DispensingRecordForm(request.POST, prefix="record")
                    items = AuthorisedItemFormSet(request.POST, prefix="items")
                    if record_form.is_valid() and items.is_valid():
                        approve_order(order=order, pharmacist=request.user, note=record_form.cleaned_data["note"],
                                      record=dispensing_record_from_forms(record_form, items),
                                      override=override_form.override())
                        self.message_user(request, f"Order {order.number} approved.", messages.SUCCESS)
                        return HttpResponseRedirect(reverse("admin:orders_orderawaitingreview_changelist"))
                elif "_reject" in request.POST:
                    reject_form = RejectForm(request.POST, prefix="reject")
                    if reject_form.is_valid():
                        reject_order(order=order, pharmacist=request.user, reason=reject_form.cleaned_data["reason"],
                                     note=reject_form.cleaned_data["note"])
                        self.message_user(request, f"Order {order.number} rejected; stock returned.", messages.SUCCESS)
                        return HttpResponseRedirect(reverse("admin:orders_orderawaitingreview_changelist"))
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
            "line_forms": [(line, LineDecisionForm(initial={"line": line.pk}, prefix=f"line-{line.pk}"),
                            ClinicalOverrideForm(prefix=f"override-{line.pk}"))
                           for line in order.lines.all() if line.legal_category == "pharmacy"],
            "clinical_alerts": order.clinical_alerts.select_related("overridden_by").order_by("pk"),
            "needs_responsible_pharmacist": pharmacist and order.status == "awaiting_review"
            and current_responsible_pharmacist() is None,
            "override_form": override_form,
            "file_url": reverse("admin:orders_prescription_file", args=[order.prescription_id])
            if order.prescription_id else None,
            "needs_dispensing_record": _needs_dispensing_record(order),
            "repeat": get_repeat_history(order=order),  # issue n of m, and the earlier issues
        }
        return TemplateResponse(request, "admin/orders/order/review.html", context)

    def _decide_line(self, request, order):
        """Approve or refuse one P line (through the services), then back to the review page."""
        if not is_pharmacist(request.user):
            self.message_user(request, "Only a pharmacist in the Pharmacists group can decide on medicines.",
                              messages.ERROR)
            return HttpResponseRedirect(request.path)
        line = next((line for line in order.lines.all() if str(line.pk) == request.POST.get("line_id")), None)
        if line is None:
            raise Http404
        form = LineDecisionForm(request.POST, prefix=f"line-{line.pk}")
        if not form.is_valid():
            self.message_user(request, "Choose a listed reason, and keep the note to 1,000 characters.",
                              messages.ERROR)
            return HttpResponseRedirect(request.path)
        note = form.cleaned_data["note"]
        try:
            if "_approve_line" in request.POST:
                override = ClinicalOverrideForm(request.POST, prefix=f"override-{line.pk}").override()
                approve_order_line(line=line, pharmacist=request.user, reason=note, override=override)
                self.message_user(request, f"{line.description} approved.", messages.SUCCESS)
            else:
                override = ClinicalOverrideForm(request.POST, prefix=f"override-{line.pk}").override()
                refuse_order_line(line=line, pharmacist=request.user, reason=form.cleaned_data["reason"], note=note,
                                  override=override)
                self.message_user(request, f"{line.description} refused; its stock was returned and the shopper "
                                  "told why.", messages.SUCCESS)
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        return HttpResponseRedirect(request.path)


@admin.register(OrderAwaitingReview)
class OrderAwaitingReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The pharmacist's queue: orders awaiting review, oldest first."""

    list_display = ("number", "created_at", "full_name", "email", "prescription_status", "review_deadline",
                    "review_link")
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
                extend_review_deadline(order=order, pharmacist=request.user, until=until,
                                       reason="Extended in the admin.")
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


class PrescriptionItemInline(ReadOnlyInline):
    model = PrescriptionItem
    fields = ("pack", "quantity", "directions")
    readonly_fields = fields


class PrescriptionIssueInline(ReadOnlyInline):
    """Each order drawing on a repeatable prescription; a cancelled or rejected order's issue is freed."""

    model = PrescriptionIssue
    fields = ("number", "order", "issued_at")
    readonly_fields = fields


@admin.register(Prescription)
class PrescriptionAdmin(admin.ModelAdmin):
    list_display = ("pk", "owner", "status", "uploaded_at", "valid_until", "reviewed_by")
    list_filter = ("status", "uploaded_at")
    search_fields = ("owner__email", "prescriber_name", "prescriber_registration")
    list_select_related = ("owner", "reviewed_by")
    inlines = [PrescriptionItemInline, PrescriptionIssueInline]
    readonly_fields = [
        "owner", "file_link", "original_filename", "content_type", "size_bytes", "sha256", "status", "uploaded_at",
        "prescriber_name", "prescriber_registration", "prescriber_address", "issued_on", "valid_until",
        "reviewed_by", "reviewed_at", "rejection_reason", "source", "original_received_at", "original_received_by",
        "original_matches", "original_checked_note", "electronic_prescription_id", "original_link",
        "repeatable", "issues_authorised", "repeat_interval_days",
    ]
    exclude = ("file",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # decided on the order's review page, through the services

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="File")
    def file_link(self, prescription):
        url = reverse("admin:orders_prescription_file", args=[prescription.pk])
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Open {}</a>', url, prescription.original_filename
        )

    @admin.display(description="Original")
    def original_link(self, prescription):
        url = reverse("admin:orders_prescription_original", args=[prescription.pk])
        return format_html('<a class="button" href="{}">Record original received / electronic verified</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view(self.file_view)
        original = self.admin_site.admin_view(self.original_view)
        return [
            path("<int:prescription_id>/file/", view, name="orders_prescription_file"),
            path("<int:prescription_id>/original/", original, name="orders_prescription_original"),
        ] + super().get_urls()

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
                        record_original_received(prescription=prescription, pharmacist=request.user,
                                                 matches=received_form.cleaned_data["matches"],
                                                 note=received_form.cleaned_data["note"])
                        self.message_user(request, "Original prescription recorded.", messages.SUCCESS)
                        return HttpResponseRedirect(reverse("admin:orders_prescription_change",
                                                            args=[prescription.pk]))
                elif "_electronic" in request.POST:
                    electronic_form = ElectronicVerifiedForm(request.POST, prefix="electronic")
                    if electronic_form.is_valid():
                        record_electronic_verified(
                            prescription=prescription, pharmacist=request.user,
                            electronic_prescription_id=electronic_form.cleaned_data["electronic_prescription_id"],
                            note=electronic_form.cleaned_data["note"])
                        self.message_user(request, "Electronic prescription recorded as verified.", messages.SUCCESS)
                        return HttpResponseRedirect(reverse("admin:orders_prescription_change",
                                                            args=[prescription.pk]))
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
        return TemplateResponse(request, "admin/orders/prescription/original.html", context)

    def file_view(self, request, prescription_id: int):
        """Shown inline in the browser, to pharmacists only; sandboxed so a crafted PDF cannot run script."""
        try:
            return serve_prescription_file(user=request.user, prescription_id=prescription_id, inline=True,
                                           pharmacists_only=True, channel=FileAccessChannel.ADMIN,
                                           second_factor=request_has_second_factor(request))
        except Prescription.DoesNotExist:
            raise Http404 from None


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("order", "kind", "recipient", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("order__number", "recipient")
    list_select_related = ("order",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        """As for orders: the permission gates the action; a message's own page is read-only."""
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Hand pending messages to the workers now", permissions=["change"])
    def send_again(self, request, queryset):
        try:
            handed = send_messages_again(actor=request.user, message_ids=list(queryset.values_list("pk", flat=True)))
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
            return
        self.message_user(request, f"{handed} message(s) handed to the workers.", messages.SUCCESS)

# The batches supplied and the Recall screen; the dispatch and cannot-supply queues.
from . import admin_batches, admin_dispatch  # noqa: E402,F401
