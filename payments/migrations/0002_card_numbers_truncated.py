"""No stored card numbers: a payment's method keeps a test card's token ("test_card_4242", its last four
digits), and the test gateway's intents keep the last four digits only. Existing rows are truncated
before the column is narrowed."""

import re

from django.db import migrations, models

CARD_NUMBER = re.compile(r"^[0-9][0-9 -]{10,}[0-9]$")


def truncate_card_numbers(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    TestGatewayIntent = apps.get_model("payments", "TestGatewayIntent")
    for payment in Payment.objects.filter(payment_method__regex=r"^[0-9][0-9 -]{10,}[0-9]$").only("payment_method"):
        if CARD_NUMBER.match(payment.payment_method):
            digits = re.sub(r"[^0-9]", "", payment.payment_method)
            Payment.objects.filter(pk=payment.pk).update(payment_method="test_card_" + digits[-4:])
    for intent in TestGatewayIntent.objects.filter(card__regex=r"^.{5,}$").only("card"):
        TestGatewayIntent.objects.filter(pk=intent.pk).update(card=intent.card[-4:])


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(truncate_card_numbers, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="payment",
            name="payment_method",
            field=models.CharField(blank=True, help_text="The gateway's token: a PaymentMethod id, or a test card's (test_card_4242). Never a card number.", max_length=100),
        ),
        migrations.AlterField(
            model_name="testgatewayintent",
            name="card",
            field=models.CharField(help_text="The test card's last four digits: never its number.", max_length=4),
        ),
    ]
