"""Every row lock of the dispensing app. Each function here locks rows of one table only, and no caller
holds another app's lock while taking them, so they stand outside the order → prescription → packs order."""

from .models import PharmacistProfile, ResponsiblePharmacistLog


def pharmacist_profile_for_update(*, profile_id: int) -> PharmacistProfile | None:
    """The profile as stored, locked, so two admins saving one profile audit their changes one after the other."""
    return PharmacistProfile.objects.select_for_update().filter(pk=profile_id).first()


def open_responsible_pharmacist_entry_for_update(*, pharmacist=None) -> ResponsiblePharmacistLog | None:
    """The RP log entry not yet signed out (at most one is open), locked; with `pharmacist`, only theirs."""
    entries = ResponsiblePharmacistLog.objects.select_for_update().filter(signed_out_at__isnull=True)
    if pharmacist is not None:
        entries = entries.filter(pharmacist=pharmacist)
    return entries.first()
