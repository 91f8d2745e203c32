"""Start-up checks: the kinds the apps registered agree with what the outbox's schema assumes."""

from django.core import checks

from .models import EACH_TIME_KINDS
from .registry import registered_kinds


@checks.register()
def each_time_kinds_match_the_constraint(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A kind registered `each_time` must be exempt from the once-per-order constraint, and a kind exempt
    from it must be registered `each_time`; otherwise a second refusal would fail the unique constraint, or
    a once-per-order kind would be sent again on every retry of its change. A kind listed but registered by
    no app fails too (its builder is missing)."""
    kinds = registered_kinds()
    registered = {kind.value for kind in kinds if kind.each_time}
    problems = []
    if registered != set(EACH_TIME_KINDS):
        problems.append(
            checks.Error(
                f"Outbox kinds registered each_time ({sorted(registered)}) differ from notifications.models."
                f"EACH_TIME_KINDS ({sorted(EACH_TIME_KINDS)}), which the once-per-order constraint exempts.",
                hint="Register the kind with each_time=True and list it in EACH_TIME_KINDS (with a migration).",
                id="notifications.E001",
            )
        )
    return problems
