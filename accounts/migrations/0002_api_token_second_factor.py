# API tokens' second factor points at knox's and django-otp's tables, which point at the User of 0001.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('knox', '0009_extend_authtoken_field'),
        ('otp_totp', '0003_add_timestamps'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiTokenSecondFactor',
            fields=[
                ('token', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='second_factor', serialize=False, to=settings.KNOX_TOKEN_MODEL)),
                ('verified_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('device', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='otp_totp.totpdevice')),
            ],
            options={
                'verbose_name': 'API token second factor',
            },
        ),
    ]
