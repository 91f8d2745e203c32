"""Admin for pharmacist profiles (created by an administrator), the responsible-pharmacist log (sign
in and out with a button) and the prescription register (read-only, filter by date and medicine, CSV)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.restriction import RestrictedRecordsAdminMixin
from accounts.roles import may_manage_pharmacists
from pharmacy.admin_mixins import ReadOnlyAdminMixin
from pharmacy.exceptions import DomainError

from .models import PharmacistProfile, RegisterEntry, ResponsiblePharmacistLog
from .register import list_register_entries, register_csv
from .services import (
    current_responsible_pharmacist,
    save_pharmacist_profile,
    sign_in_as_responsible_pharmacist,
    sign_out_as_responsible_pharmacist,
)


@admin.register(PharmacistProfile)
class PharmacistProfileAdmin(admin.ModelAdmin):
    """Every field of a profile is a guarded role: only a superuser or a holder of
    `accounts.manage_pharmacists` adds profiles or edits them (through save_pharmacist_profile, which
    audits each change); anyone else with access sees them read-only."""

    list_display = ("user", "registration_number", "is_superintendent", "created_at")
    search_fields = ("user__email", "registration_number")
    autocomplete_fields = ("user",)
    fields = ("user", "registration_number", "is_superintendent")

    def get_readonly_fields(self, request, obj=None):
        return () if may_manage_pharmacists(request.user) else self.fields

    def has_add_permission(self, request):
        return may_manage_pharmacists(request.user) and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        save_pharmacist_profile(actor=request.user, profile=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # approvals and register entries name the profile's number


@admin.register(ResponsiblePharmacistLog)
class ResponsiblePharmacistLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The RP record. Rows come only from the sign-in and sign-out buttons; none is edited or deleted."""

    list_display = ("pharmacist", "registration_number", "signed_in_at", "signed_out_at")
    list_select_related = ("pharmacist",)
    date_hierarchy = "signed_in_at"
    readonly_fields = ("pharmacist", "registration_number", "signed_in_at", "signed_out_at")
    change_list_template = "admin/dispensing/responsiblepharmacistlog/change_list.html"

    def changelist_view(self, request, extra_context=None):
        current = current_responsible_pharmacist()
        extra_context = {
            **(extra_context or {}),
            "current_rp": current,
            "is_current_rp": current is not None and current.pharmacist_id == request.user.pk,
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        sign_in = self.admin_site.admin_view(self.sign_in_view)
        sign_out = self.admin_site.admin_view(self.sign_out_view)
        return [
            path("sign-in/", sign_in, name="dispensing_responsiblepharmacistlog_sign_in"),
            path("sign-out/", sign_out, name="dispensing_responsiblepharmacistlog_sign_out"),
        ] + super().get_urls()

    def _act(self, request, service, done: str):
        if request.method != "POST":
            return HttpResponse(status=405)
        try:
            service(pharmacist=request.user)
            self.message_user(request, done, messages.SUCCESS)
        except DomainError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        back = request.POST.get("next", "")  # the order review page's button comes back to the order
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:dispensing_responsiblepharmacistlog_changelist")
        return HttpResponseRedirect(back)

    def sign_in_view(self, request):
        return self._act(request, sign_in_as_responsible_pharmacist, "You are the responsible pharmacist.")

    def sign_out_view(self, request):
        return self._act(request, sign_out_as_responsible_pharmacist, "You have signed out as responsible pharmacist.")


class RegisterFilterForm(forms.Form):
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="From")
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="To")
    medicine = forms.CharField(required=False, max_length=200)


@admin.register(RegisterEntry)
class RegisterEntryAdmin(RestrictedRecordsAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The prescription register: immutable, kept at least PRESCRIPTION_REGISTER_RETENTION_YEARS; it needs
    the dispensing.view_registerentry permission (Pharmacists and Superintendent pharmacists groups)."""
    restricted_account_path = "order__user"

    list_display = (
        "supplied_at",
        "order",
        "patient_name",
        "prescriber_name",
        "prescriber_address",
        "medicine",
        "strength",
        "dosage_form",
        "quantity",
        "quantity_unit",
        "batch",
        "pharmacist",
        "pharmacist_registration",
    )
    list_select_related = ("order", "pharmacist")
    change_list_template = "admin/dispensing/registerentry/change_list.html"
    list_per_page = 100

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in RegisterEntry._meta.fields]

    def _filters(self, request) -> tuple[RegisterFilterForm, dict]:
        form = RegisterFilterForm(request.GET or None)
        if form.is_valid():
            return form, {key: value for key, value in form.cleaned_data.items() if value}
        return form, {}

    def get_queryset(self, request):
        filters = getattr(request, "register_filters", None)
        if not filters:
            return super().get_queryset(request)
        return super().get_queryset(request).filter(pk__in=list_register_entries(**filters).values("pk"))

    def changelist_view(self, request, extra_context=None):
        form, filters = self._filters(request)
        # The filter form's fields are ours, not model lookups: hide them from the changelist's own parsing.
        request.GET = request.GET.copy()
        request.register_filters = filters
        for key in ("date_from", "date_to", "medicine"):
            request.GET.pop(key, None)
        query = urlencode(
            {
                key: form.data[key]
                for key in ("date_from", "date_to", "medicine")
                if form.is_bound and form.data.get(key)
            }
        )
        extra_context = {**(extra_context or {}), "filter_form": form, "csv_query": query}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        export = self.admin_site.admin_view(self.csv_view)
        return [path("export.csv", export, name="dispensing_registerentry_csv")] + super().get_urls()

    def csv_view(self, request):
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        _, filters = self._filters(request)
        body = register_csv(list_register_entries(**filters))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="prescription-register-{stamp}.csv"'
        response["Cache-Control"] = "private, no-store"
        return response


# The pharmacist's review, the dispatch and cannot-supply queues, and the batches supplied with the Recall screen.
from . import admin_batches, admin_dispatch, admin_review  # noqa: E402,F401
