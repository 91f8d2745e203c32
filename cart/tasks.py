from celery import shared_task
from django.conf import settings

from .services import delete_stale_guest_carts


@shared_task
def delete_stale_guest_carts_task() -> int:
    return delete_stale_guest_carts(older_than_days=settings.GUEST_CART_MAX_AGE_DAYS)
