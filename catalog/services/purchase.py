"""The one purchase policy: may this pack be bought, in this quantity, now?"""

from django.conf import settings

from ..exceptions import (
    ControlledDrugNotSoldOnline,
    InvalidQuantity,
    OutOfStock,
    PackUnavailable,
    QuantityLimitExceeded,
)
from ..models import Pack


def check_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity(field="quantity")
    return quantity


def check_pack_purchasable(*, pack: Pack, quantity: int, check_stock: bool = True) -> None:
    """Every rule about buying `quantity` of `pack`, whatever the interface. Raises a DomainError.

    Prescription rules are the order's (they depend on the attached prescription); see orders.services.
    """
    check_quantity(quantity)
    # The name goes into refusals only: a pack that may be bought (most, on every cart page) never builds it.
    if not (pack.is_active and pack.product.is_active):
        raise PackUnavailable(f"{pack.display_name} is not available to buy.", field="sku", sku=pack.sku)
    schedule = pack.product.controlled_drug_schedule
    if (
        schedule is not None
        and schedule in settings.CONTROLLED_DRUG_SCHEDULES_BLOCKED_ONLINE
        and not settings.ALLOW_CONTROLLED_DRUGS_ONLINE
    ):
        raise ControlledDrugNotSoldOnline(
            f"{pack.display_name} is a Schedule {schedule} controlled drug and is not sold online.", field="sku",
            sku=pack.sku,
        )
    if pack.max_per_order is not None and quantity > pack.max_per_order:
        raise QuantityLimitExceeded(
            f"{pack.display_name}: at most {pack.max_per_order} per order.",
            field="quantity",
            sku=pack.sku,
            max_per_order=pack.max_per_order,
        )
    if check_stock and quantity > pack.available_quantity:
        raise OutOfStock(
            out_of_stock_message(pack, quantity), field="quantity", sku=pack.sku, available=pack.available_quantity
        )


def purchase_policy_settings() -> tuple:
    """What check_pack_purchasable reads besides the pack and the quantity: part of the key of anything
    cached from its answers (the product page), so a change of these settings is never served stale."""
    return (settings.ALLOW_CONTROLLED_DRUGS_ONLINE, tuple(sorted(settings.CONTROLLED_DRUG_SCHEDULES_BLOCKED_ONLINE)))


def out_of_stock_message(pack: Pack, wanted: int) -> str:
    if pack.available_quantity == 0:
        return f"{pack.display_name} is out of stock."
    return f"{pack.display_name}: only {pack.available_quantity} left in stock, {wanted} requested."
