from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from knox.models import AuthToken

from orders.models import PHARMACISTS_GROUP
from pharmacy.admin_mixins import ReadOnlyAdminMixin

from .exceptions import PermissionRefused
from .membership import ensure_may_manage_pharmacists, set_pharmacists_membership
from .models import PharmacistsMembershipChange, User

# knox's own admin lists token digests and key prefixes and can mint tokens for anyone; we show none.
# A user's tokens are revoked through the API (sign out everywhere) or by deactivating the account.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


def _pharmacists_group() -> Group | None:
    return Group.objects.filter(name=PHARMACISTS_GROUP).first()


class UserChangeForm(BaseUserAdmin.form):
    """Refuses a change of Pharmacists membership by someone who may not make it (the service decides)."""

    actor = None  # set by UserAdmin.get_form

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        group = _pharmacists_group()
        if group is None or self.instance.pk is None:
            return groups
        wanted = groups.filter(pk=group.pk).exists()
        if wanted != self.instance.groups.filter(pk=group.pk).exists():
            try:
                ensure_may_manage_pharmacists(self.actor)
            except PermissionRefused as refusal:
                raise forms.ValidationError(refusal.message, code=refusal.code) from None
        return groups


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "email_verified_at", "date_joined")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined", "email_verified_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user}) if issubclass(form, UserChangeForm) else form

    def save_related(self, request, form, formsets, change):
        """Every group but Pharmacists is saved as usual; Pharmacists membership goes through the
        service, which checks the actor's permission again and records the change."""
        group = _pharmacists_group()
        if group is None or "groups" not in form.cleaned_data:
            return super().save_related(request, form, formsets, change)
        wanted = form.cleaned_data["groups"].filter(pk=group.pk).exists()
        was_member = form.instance.groups.filter(pk=group.pk).exists()
        others = form.cleaned_data["groups"].exclude(pk=group.pk)
        # The plain save keeps Pharmacists membership as it was; the service alone changes it.
        form.cleaned_data["groups"] = others | Group.objects.filter(pk=group.pk) if was_member else others
        super().save_related(request, form, formsets, change)
        if wanted != was_member:
            set_pharmacists_membership(actor=request.user, user=form.instance, member=wanted)


@admin.register(PharmacistsMembershipChange)
class PharmacistsMembershipChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail: read-only, never deleted from here."""

    list_display = ("created_at", "user", "action", "actor")
    list_filter = ("action", "created_at")
    search_fields = ("user__email", "actor__email")
    list_select_related = ("user", "actor")

