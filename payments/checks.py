"""Start-up checks: the test gateway takes no money, so production refuses it."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from pharmacy.payment_settings import payment_settings_problems


@register(Tags.security)
def check_payment_settings(app_configs=None, **kwargs):
    problems = payment_settings_problems(
        gateway=settings.PAYMENT_GATEWAY, stripe_secret_key=settings.STRIPE_SECRET_KEY,
        stripe_webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
        production=getattr(settings, "PAYMENTS_PRODUCTION", False),
        allow_test_gateway=getattr(settings, "ALLOW_TEST_PAYMENTS_IN_PRODUCTION", False),
    )
    return [Error(problem, id="payments.E001") for problem in problems]
