"""The staff queue of erasure requests, with their one-month deadline: requests that arrive by e-mail or post
are entered here, and an action runs the same erasure as the shopper's confirmation link."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from pharmacy.exceptions import DomainError

from .models import OPEN_ERASURE_STATUSES, ErasureChannel, ErasureRequest
from .services.erasure import carry_out_erasure, ensure_may_be_erased, receive_erasure_request


class ReceivedErasureRequestForm(forms.ModelForm):
    channel = forms.ChoiceField(choices=[(ErasureChannel.EMAIL, ErasureChannel.EMAIL.label),
                                         (ErasureChannel.POST, ErasureChannel.POST.label)])

    class Meta:
        model = ErasureRequest
        fields = ["user", "channel", "received_on"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        try:
            ensure_may_be_erased(user)
        except DomainError as refusal:
            raise forms.ValidationError(refusal.message) from None
        if ErasureRequest.objects.filter(user=user, status__in=OPEN_ERASURE_STATUSES).exists():
            raise forms.ValidationError("This account already has an open erasure request: answer that one.")
        return user


class OverdueFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", "Open and past the deadline"), ("open", "Open")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(status__in=OPEN_ERASURE_STATUSES, deadline__lt=timezone.localdate())
        if self.value() == "open":
            return queryset.filter(status__in=OPEN_ERASURE_STATUSES)
        return queryset


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "channel", "status", "received_on", "deadline", "completed_at"]
    list_filter = [OverdueFilter, "status", "channel"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    actions = ["erase_now"]
    readonly_fields = ["status", "deadline", "completed_at", "completed_by", "report"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ReceivedErasureRequestForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "channel", "received_on"]
        return ["user", "channel", "received_on", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "channel", "received_on", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:  # a request is never edited: it is answered by the action
            return
        created = receive_erasure_request(
            user=form.cleaned_data["user"], channel=form.cleaned_data["channel"],
            received_on=form.cleaned_data["received_on"],
        )
        for field in ErasureRequest._meta.concrete_fields:  # the admin goes on with the saved request
            setattr(obj, field.attname, getattr(created, field.attname))

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Erase the selected accounts now (cannot be undone)", permissions=["change"])
    def erase_now(self, request, queryset):
        for erasure in queryset.filter(status__in=OPEN_ERASURE_STATUSES).order_by("pk"):
            try:
                carry_out_erasure(request=erasure, actor=request.user)
            except DomainError as refusal:
                messages.error(request, f"Request {erasure.pk}: {refusal.message}")
            else:
                messages.success(request, f"Request {erasure.pk}: the account is erased and the report sent.")
