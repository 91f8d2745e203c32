"""The warning-sign rules a new pharmacy starts with."""

from django.db import migrations


def create_warning_sign_rules(apps, schema_editor):
    """Flag from the first deployment: two accounts sharing an address, a phone or a card in 90 days.
    The admin changes or switches them off."""
    WarningSignRule = apps.get_model("safeguards", "WarningSignRule")
    for kind in ("shared_address", "shared_phone", "shared_card"):
        WarningSignRule.objects.get_or_create(kind=kind, defaults={"window_days": 90, "accounts": 2})


class Migration(migrations.Migration):
    dependencies = [("safeguards", "0001_initial")]

    operations = [migrations.RunPython(create_warning_sign_rules, migrations.RunPython.noop)]
