from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "clinical"
    verbose_name = "Clinical checks"

    def ready(self) -> None:
        from cart.advice import register_cart_adviser
        from catalog.coverage_reviews import register_coverage_judge

        from .coverage import coverage_gaps
        from .rule_table import rule_table
        from .serializers import cart_advice_for_api

        # The lower apps ask this one: the catalog import which medicines its rules do not cover, the cart
        # API what advice to show on a cart.
        register_coverage_judge(coverage_gaps)
        register_cart_adviser(cart_advice_for_api)

        # Read and validate the rule files now: a malformed rule stops start-up (RuleFileError names the
        # file and the rule) instead of checking less than the pharmacist believes.
        rule_table()
