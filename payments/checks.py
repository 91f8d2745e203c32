"""Start-up checks: the test gateway takes no money, so production refuses it."""

from django.conf import settings
from django.core.checks import Error, Tags, register


def payment_settings_problems(*, gateway: str, stripe_secret_key: str, stripe_webhook_secret: str,
                              production: bool, allow_test_gateway: bool) -> list[str]:
    problems = []
    if gateway not in ("test", "stripe"):
        problems.append(f"PAYMENT_GATEWAY must be 'test' or 'stripe', not {gateway!r}")
    if gateway == "stripe" and not stripe_secret_key:
        problems.append("PAYMENT_GATEWAY=stripe needs STRIPE_SECRET_KEY")
    if production and gateway == "test" and not allow_test_gateway:
        problems.append("the built-in test payment gateway takes no money: set PAYMENT_GATEWAY=stripe and "
                        "STRIPE_SECRET_KEY (or ALLOW_TEST_PAYMENTS_IN_PRODUCTION=true)")
    if production and gateway == "stripe" and not stripe_webhook_secret:
        problems.append("STRIPE_WEBHOOK_SECRET must be set to verify Stripe's webhooks")
    return problems


@register(Tags.security)
def check_payment_settings(app_configs=None, **kwargs):
    problems = payment_settings_problems(
        gateway=settings.PAYMENT_GATEWAY, stripe_secret_key=settings.STRIPE_SECRET_KEY,
        stripe_webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
        production=getattr(settings, "PAYMENTS_PRODUCTION", False),
        allow_test_gateway=getattr(settings, "ALLOW_TEST_PAYMENTS_IN_PRODUCTION", False),
    )
    return [Error(problem, id="payments.E001") for problem in problems]
