"""Restricted records (GDPR Art. 18): what an erased account left behind under a legal hold (orders kept for
tax, register entries, prescriptions within their retention) stays in the database but is shown only to
pharmacists and to holders of the data officer's permission. Every admin and API that lists such records
filters its queryset through `visible_to`."""

from django.db.models import Q, QuerySet

from .roles import is_pharmacist

VIEW_RESTRICTED = "privacy.view_restricted"


def may_view_restricted(user) -> bool:
    """A pharmacist (who may need a supply's record) or a holder of the data officer's permission."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(VIEW_RESTRICTED) or is_pharmacist(user)


def restricted(account_path: str) -> Q:
    """Rows whose account (reached by `account_path`, e.g. "user" or "order__user") has been erased."""
    return Q(**{f"{account_path}__erased_at__isnull": False})


def visible_to(queryset: QuerySet, user, *, account_path: str) -> QuerySet:
    """`queryset` without the restricted rows, unless `user` may see them."""
    if may_view_restricted(user):
        return queryset
    return queryset.exclude(restricted(account_path))


class RestrictedRecordsAdminMixin:
    """For a ModelAdmin (listed before it): the changelist, the change pages and the actions see the
    restricted rows only for those who may. `restricted_account_path` leads from the row to its account."""

    restricted_account_path = "user"

    def get_queryset(self, request):
        return visible_to(super().get_queryset(request), request.user, account_path=self.restricted_account_path)
