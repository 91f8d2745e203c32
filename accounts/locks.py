"""Every select_for_update() of the accounts app."""

from .models import User


def user_for_update(*, user_id: int) -> User:
    """The user row, locked, so two role changes to one account apply (and are audited) one after the other."""
    return User.objects.select_for_update().get(pk=user_id)
