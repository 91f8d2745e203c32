"""Which payment settings are refused: the built-in test gateway takes no money, so production refuses it.

A pure function of the settings' values, in the kernel because `pharmacy/settings/production.py` runs it
before any app is loaded; the payments app's system check (payments/checks.py) runs the same function.
"""


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
