from django.db import migrations, models
from django.db.models import F


def count_existing_accounts_as_verified(apps, schema_editor):
    """Accounts made before e-mail verification existed (shoppers, demo logins, staff) have been ordering
    with their address; only new sign-ups confirm theirs."""
    User = apps.get_model("accounts", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="e-mail verified at"),
        ),
        migrations.RunPython(count_existing_accounts_as_verified, migrations.RunPython.noop),
    ]
