"""Start-up check: the retention policy file reads and validates (`manage.py check` names the problem)."""

from django.core.checks import Error, register

from .retention import RetentionPolicyError, load_policy


@register()
def check_retention_policy(app_configs=None, **kwargs):
    try:
        load_policy()
    except RetentionPolicyError as error:
        return [Error(str(error), id="privacy.E001")]
    return []
