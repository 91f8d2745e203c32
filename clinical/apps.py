from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "clinical"
    verbose_name = "Clinical checks"

    def ready(self) -> None:
        from cart.advice import register_cart_adviser
        from catalog.coverage_reviews import register_coverage_judge
        from orders.selectors import register_order_page_prefetch

        from .coverage import coverage_gaps
        from .rule_table import rule_table
        from .selectors import order_alerts_prefetch
        from .serializers import cart_advice_for_api

        # The lower apps ask this one: the catalog import which medicines its rules do not cover, the cart
        # API what advice to show on a cart, the order pages which alerts to read with an order.
        register_coverage_judge(coverage_gaps)
        register_cart_adviser(cart_advice_for_api)
        register_order_page_prefetch(order_alerts_prefetch)

        # Read and validate the rule files now: a malformed rule stops start-up (RuleFileError names the
        # file and the rule) instead of checking less than the pharmacist believes.
        rule_table()
