"""Pharmacist profiles and the responsible pharmacist (RP) log."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import RoleChange
from accounts.roles import ensure_may_manage_pharmacist_roles, record_role_change, set_superintendents_membership

from .exceptions import PharmacistNotRegistered, ResponsiblePharmacistConflict
from .locks import open_responsible_pharmacist_entry_for_update, pharmacist_profile_for_update
from .models import PharmacistProfile, ResponsiblePharmacistLog


def get_pharmacist_profile(user) -> PharmacistProfile | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return PharmacistProfile.objects.filter(user=user).exclude(registration_number="").first()


def ensure_registered_pharmacist(user) -> PharmacistProfile:
    """The pharmacist's profile, or PharmacistNotRegistered: group membership alone is not enough."""
    profile = get_pharmacist_profile(user)
    if profile is None:
        raise PharmacistNotRegistered(
            "You have no pharmacist profile with a GPhC registration number; an administrator must create one "
            "before you can approve or supply medicines."
        )
    return profile


@transaction.atomic
def save_pharmacist_profile(*, actor, profile: PharmacistProfile) -> PharmacistProfile:
    """Create or change a pharmacist profile (the admin calls this). Its user, registration number and
    superintendent flag are guarded roles: only a superuser or a holder of `accounts.manage_pharmacists`
    changes them, each change is recorded (accounts.RoleChange), and Superintendent pharmacists group
    membership follows the flag through the guarded membership service. Saving without a change does nothing."""
    before = pharmacist_profile_for_update(profile_id=profile.pk) if profile.pk else None
    changes = _profile_changes(before, profile)
    if not changes:
        return profile
    ensure_may_manage_pharmacist_roles(actor, field=changes[0][0])
    profile.full_clean()
    profile.save()
    moved = before is not None and before.user_id != profile.user_id
    if moved and before.is_superintendent:
        set_superintendents_membership(actor=actor, user=before.user, member=False)  # the role goes with the profile
    if before is None or moved or before.is_superintendent != profile.is_superintendent:
        set_superintendents_membership(actor=actor, user=profile.user, member=profile.is_superintendent)
    for _, role, old_value, new_value in changes:
        record_role_change(actor=actor, user=profile.user, role=role, old_value=old_value, new_value=new_value)
    return profile


def _profile_changes(before: PharmacistProfile | None, after: PharmacistProfile) -> list[tuple[str, str, str, str]]:
    """(form field, audited role, old value, new value) for each guarded field that differs from before."""
    changes = []
    if before is None or before.user_id != after.user_id:
        old_user = f"{before.user} (#{before.user_id})" if before is not None else ""
        changes.append(("user", RoleChange.Role.PROFILE_USER, old_user, f"{after.user} (#{after.user_id})"))
    old_number = before.registration_number if before is not None else ""
    if old_number != after.registration_number:
        changes.append(("registration_number", RoleChange.Role.REGISTRATION_NUMBER, old_number,
                        after.registration_number))
    was_superintendent = before is not None and before.is_superintendent
    if was_superintendent != after.is_superintendent:
        changes.append(("is_superintendent", RoleChange.Role.SUPERINTENDENT, str(was_superintendent),
                        str(after.is_superintendent)))
    return changes


def current_responsible_pharmacist() -> ResponsiblePharmacistLog | None:
    """The RP signed in now, for today: an entry left open since an earlier day does not count."""
    entry = ResponsiblePharmacistLog.objects.select_related("pharmacist").filter(signed_out_at__isnull=True).first()
    if entry is None or timezone.localdate(entry.signed_in_at) != timezone.localdate():
        return None
    return entry


@transaction.atomic
def sign_in_as_responsible_pharmacist(*, pharmacist) -> ResponsiblePharmacistLog:
    """One RP at a time. Signing in again while signed in is a no-op; an entry left open on an earlier
    day is closed at the end of that day first."""
    profile = ensure_registered_pharmacist(pharmacist)
    open_entry = open_responsible_pharmacist_entry_for_update()
    now = timezone.now()
    if open_entry is not None:
        if timezone.localdate(open_entry.signed_in_at) != timezone.localdate(now):
            open_entry.signed_out_at = max(open_entry.signed_in_at, _end_of_day(open_entry.signed_in_at))
            open_entry.save(update_fields=["signed_out_at"])
        elif open_entry.pharmacist_id == pharmacist.pk:
            return open_entry
        else:
            raise ResponsiblePharmacistConflict(
                f"{open_entry.pharmacist} is signed in as the responsible pharmacist since "
                f"{timezone.localtime(open_entry.signed_in_at):%H:%M}; they must sign out first."
            )
    try:
        with transaction.atomic():
            return ResponsiblePharmacistLog.objects.create(
                pharmacist=pharmacist, registration_number=profile.registration_number, signed_in_at=now
            )
    except IntegrityError:
        raise ResponsiblePharmacistConflict("Another pharmacist has just signed in as the responsible pharmacist.") \
            from None


@transaction.atomic
def sign_out_as_responsible_pharmacist(*, pharmacist) -> ResponsiblePharmacistLog:
    entry = open_responsible_pharmacist_entry_for_update(pharmacist=pharmacist)
    if entry is None:
        raise ResponsiblePharmacistConflict("You are not signed in as the responsible pharmacist.")
    entry.signed_out_at = timezone.now()
    entry.save(update_fields=["signed_out_at"])
    return entry


def _end_of_day(moment):
    local = timezone.localtime(moment)
    return local.replace(hour=23, minute=59, second=59, microsecond=0)
