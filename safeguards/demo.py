"""The demo shop's purchase limits (DOMAIN.md "Quantity limits"), written by `manage.py load_demo_catalog`.

Upserted on (name, kind), so reloading changes nothing and an operator's edits to other limits stay.
Paracetamol limits count every pack containing paracetamol, co-codamol included; the 100-tablet rule
applies to one sale of general-sale and pharmacy medicines (a prescription sets its own quantity) and
refuses even an order a pharmacist would review.
"""

from dataclasses import dataclass

from django.db import transaction

from catalog.models import Ingredient

from .models import Enforcement, LimitKind, PurchaseLimit
from .tables import bump_safeguards_version


@dataclass(frozen=True)
class DemoLimit:
    name: str
    kind: str
    maximum: int
    ingredient: str = ""
    atc_prefix: str = ""
    window_days: int | None = None
    enforcement: str = Enforcement.REFUSE_OR_FLAG


DEMO_LIMITS = (
    DemoLimit("Paracetamol", LimitKind.UNITS_PER_ORDER, 100, ingredient="paracetamol",
              enforcement=Enforcement.REFUSE),
    DemoLimit("Paracetamol", LimitKind.PACKS_PER_CUSTOMER, 6, ingredient="paracetamol", window_days=30),
    DemoLimit("Paracetamol", LimitKind.PACKS_PER_ADDRESS, 6, ingredient="paracetamol", window_days=30),
    # Co-codamol (ATC N02AJ06, codeine with paracetamol): 3 days' use a pack, so two packs a month is plenty.
    DemoLimit("Co-codamol", LimitKind.PACKS_PER_CUSTOMER, 2, atc_prefix="N02AJ06", window_days=30),
    DemoLimit("Co-codamol", LimitKind.PACKS_PER_ADDRESS, 2, atc_prefix="N02AJ06", window_days=30),
)


@transaction.atomic
def load_demo_purchase_limits() -> int:
    """Returns the number of limits created (the others were updated in place)."""
    created_count = 0
    for data in DEMO_LIMITS:
        ingredient = Ingredient.objects.get_or_create(name=data.ingredient)[0] if data.ingredient else None
        _, created = PurchaseLimit.objects.update_or_create(
            name=data.name, kind=data.kind,
            defaults={"ingredient": ingredient, "atc_prefix": data.atc_prefix, "maximum": data.maximum,
                      "window_days": data.window_days, "enforcement": data.enforcement,
                      "applies_to_general_sale": True, "applies_to_pharmacy": True,
                      "applies_to_prescription": False, "is_active": True},
        )
        created_count += created
    bump_safeguards_version()
    return created_count
