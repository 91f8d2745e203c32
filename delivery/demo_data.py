"""Demo delivery methods, with UK prices of the kind online pharmacies charge (including VAT)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from catalog.cache import bump_catalog_version

from .models import DeliveryMethod


@dataclass(frozen=True)
class DemoDeliveryMethod:
    code: str
    name: str
    description: str
    days: tuple[int, int]
    price: Decimal
    free_over: Decimal | None


DELIVERY_METHODS = (
    DemoDeliveryMethod("standard", "Standard delivery", "Royal Mail Tracked 48", (2, 3), Decimal("3.95"),
                       Decimal("30.00")),
    DemoDeliveryMethod("express", "Express delivery", "Royal Mail Tracked 24, order by 2 pm", (1, 1),
                       Decimal("6.95"), None),
)


@transaction.atomic
def load_demo_delivery_methods() -> int:
    """Upsert the demo methods by code; returns how many were new. Safe to run again."""
    created_count = 0
    for position, data in enumerate(DELIVERY_METHODS):
        _, created = DeliveryMethod.objects.update_or_create(code=data.code, defaults={
            "name": data.name, "description": data.description, "estimated_days_min": data.days[0],
            "estimated_days_max": data.days[1], "price_amount": data.price, "free_over_amount": data.free_over,
            "currency": "GBP", "is_active": True, "position": position,
        })
        created_count += created
    bump_catalog_version()  # the public list is cached under the catalog's version
    return created_count
