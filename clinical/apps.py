from django.apps import AppConfig


class ClinicalConfig(AppConfig):
    name = "clinical"
    verbose_name = "Clinical checks"

    def ready(self) -> None:
        from .rule_table import rule_table

        # Read and validate the rule files now: a malformed rule stops start-up (RuleFileError names the
        # file and the rule) instead of checking less than the pharmacist believes.
        rule_table()
