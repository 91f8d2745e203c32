"""Every select_for_update() of the privacy app."""

from django.contrib.auth import get_user_model

from .models import DataExport


def user_for_privacy_change(*, user_id: int):
    """The account row, locked: one consent or export request of an account at a time, so two clicks
    cannot record two active consents or start two exports. Taken alone, holding no other row lock."""
    return get_user_model().objects.select_for_update().only("pk").get(pk=user_id)


def export_for_update(*, export_id: int) -> DataExport:
    return DataExport.objects.select_for_update().get(pk=export_id)
