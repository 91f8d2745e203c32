"""Pharmacist profiles and the responsible pharmacist (RP) log."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .exceptions import PharmacistNotRegistered, ResponsiblePharmacistConflict
from .groups import SUPERINTENDENTS_GROUP
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
def save_pharmacist_profile(*, profile: PharmacistProfile) -> PharmacistProfile:
    """Used by the admin: saves the profile and keeps Superintendent pharmacists group membership in step."""
    from django.contrib.auth.models import Group

    profile.full_clean()
    profile.save()
    group, _ = Group.objects.get_or_create(name=SUPERINTENDENTS_GROUP)
    if profile.is_superintendent:
        profile.user.groups.add(group)
    else:
        profile.user.groups.remove(group)
    return profile


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
    open_entry = ResponsiblePharmacistLog.objects.select_for_update().filter(signed_out_at__isnull=True).first()
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
    entry = (ResponsiblePharmacistLog.objects.select_for_update()
             .filter(signed_out_at__isnull=True, pharmacist=pharmacist).first())
    if entry is None:
        raise ResponsiblePharmacistConflict("You are not signed in as the responsible pharmacist.")
    entry.signed_out_at = timezone.now()
    entry.save(update_fields=["signed_out_at"])
    return entry


def _end_of_day(moment):
    local = timezone.localtime(moment)
    return local.replace(hour=23, minute=59, second=59, microsecond=0)
