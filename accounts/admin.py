from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from knox.models import AuthToken

from pharmacy.admin_mixins import ReadOnlyAdminMixin

from .exceptions import PermissionRefused
from .membership import ensure_may_manage_pharmacists, set_pharmacists_membership
from .models import PharmacistsMembershipChange, RoleChange, User
from .roles import (
    PHARMACISTS_GROUP,
    SUPERINTENDENTS_GROUP,
    ensure_may_manage_pharmacist_roles,
    may_grant_superuser_rights,
    set_superintendents_membership,
    set_superuser,
    set_user_permissions,
)

# knox's own admin lists token digests and key prefixes and can mint tokens for anyone; we show none.
# A user's tokens are revoked through the API (sign out everywhere) or by deactivating the account.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


# The groups whose membership is a guarded role, each with the service that alone changes it (and audits it).
GUARDED_GROUPS = {PHARMACISTS_GROUP: set_pharmacists_membership, SUPERINTENDENTS_GROUP: set_superintendents_membership}
GUARDED_GROUP_CHECKS = {PHARMACISTS_GROUP: lambda actor: ensure_may_manage_pharmacists(actor),
                        SUPERINTENDENTS_GROUP: lambda actor: ensure_may_manage_pharmacist_roles(actor, field="groups")}


def _guarded_groups() -> list[Group]:
    return list(Group.objects.filter(name__in=GUARDED_GROUPS))


class UserChangeForm(BaseUserAdmin.form):
    """Refuses a change of Pharmacists or Superintendent pharmacists membership by someone who may not
    make it (the services decide)."""

    actor = None  # set by UserAdmin.get_form

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        if self.instance.pk is None:
            return groups
        for group in _guarded_groups():
            wanted = groups.filter(pk=group.pk).exists()
            if wanted != self.instance.groups.filter(pk=group.pk).exists():
                try:
                    GUARDED_GROUP_CHECKS[group.name](self.actor)
                except PermissionRefused as refusal:
                    raise forms.ValidationError(refusal.message, code=refusal.code) from None
        return groups


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Superuser status and user permissions are read-only except to superusers; guarded group
    memberships are refused to anyone without the right. Permitted changes of all three go through the
    services in accounts.roles and accounts.membership, which check the actor again and audit them."""

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

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if may_grant_superuser_rights(request.user):
            return readonly
        return (*readonly, "is_superuser", "user_permissions")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user}) if issubclass(form, UserChangeForm) else form

    def save_model(self, request, obj, form, change):
        """Everything but superuser status is saved as usual; that goes through set_superuser."""
        wanted_superuser = obj.is_superuser
        if change and "is_superuser" in form.changed_data:
            obj.is_superuser = not wanted_superuser  # as stored; the service changes it and records it
        super().save_model(request, obj, form, change)
        if change and "is_superuser" in form.changed_data:
            set_superuser(actor=request.user, user=obj, is_superuser=wanted_superuser)

    def save_related(self, request, form, formsets, change):
        """Groups are saved as usual except the guarded ones, and user permissions not at all: those
        go through their services after the plain save, which keeps guarded memberships as they were."""
        data = form.cleaned_data
        permissions = data.pop("user_permissions", None)
        membership_changes = []
        if "groups" in data:
            kept = data["groups"]
            for group in _guarded_groups():
                wanted = data["groups"].filter(pk=group.pk).exists()
                was_member = form.instance.groups.filter(pk=group.pk).exists()
                kept = kept.exclude(pk=group.pk)
                if was_member:
                    kept = kept | Group.objects.filter(pk=group.pk)
                if wanted != was_member:
                    membership_changes.append((GUARDED_GROUPS[group.name], wanted))
            data["groups"] = kept
        super().save_related(request, form, formsets, change)
        for set_membership, member in membership_changes:
            set_membership(actor=request.user, user=form.instance, member=member)
        if permissions is not None:
            set_user_permissions(actor=request.user, user=form.instance, permissions=permissions)


# A group's permissions pass to every member: granting them is granting user permissions, one step removed.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Group names and members as usual; a group's permissions are read-only except to superusers (so
    nobody can give their own group `manage_pharmacists` or `reclassify_product`)."""

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly if may_grant_superuser_rights(request.user) else (*readonly, "permissions")


@admin.register(PharmacistsMembershipChange)
class PharmacistsMembershipChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail: read-only, never deleted from here."""

    list_display = ("created_at", "user", "action", "actor")
    list_filter = ("action", "created_at")
    search_fields = ("user__email", "actor__email")
    list_select_related = ("user", "actor")


@admin.register(RoleChange)
class RoleChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit trail of superuser status, user permissions, superintendents and pharmacist profiles."""

    list_display = ("created_at", "user", "role", "old_value", "new_value", "actor")
    list_filter = ("role", "created_at")
    search_fields = ("user__email", "actor__email", "old_value", "new_value")
    list_select_related = ("user", "actor")

