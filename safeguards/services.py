"""Purchase limits and warning signs, applied to an order as it is placed (one call from place_order).

Past a purchase limit, an order of general-sale items alone is refused with the limit and the date it
resets; an order with a P or POM line is placed and flagged for the pharmacist, who reviews it anyway
(a limit set to "refuse" refuses both). Orders from several accounts to one address, or with one phone
number (or, once paid, one card), within a window raise a flag.

Counting: live and supplied orders (not cancelled or rejected; lines the pharmacist refused left out) of
the same account, and of any account to the same normalised address, within the limit's rolling window.
The checks cost a constant number of queries, whatever the number of lines, limits or past orders.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from catalog.models import DosageForm, LegalCategory, Strength
from orders.models import LineDecision, Order, OrderLine, OrderStatus
from pharmacy.compiled_insert import CompiledInsert

from .contacts import contacts_paying_with, contacts_sharing, record_contacts_card
from .exceptions import PurchaseLimitExceeded
from .locks import address_for_update
from .models import (
    Enforcement,
    FlagKind,
    LimitKind,
    OrderContact,
    OrderFlag,
    PurchaseLimit,
    WarningSignKind,
    WarningSignRule,
)
from .normalise import address_key, normalise_phone
from .tables import safeguard_tables

# Every checkout records its contact, and often flags: their INSERTs are compiled once per process.
_CONTACT = CompiledInsert(OrderContact)
_FLAG = CompiledInsert(OrderFlag)

# What a per-order unit limit counts: solid doses. A liquid's pack size is a volume, not a count.
COUNTED_DOSAGE_FORMS = frozenset({DosageForm.TABLET, DosageForm.CAPSULE})
NOT_COUNTED_STATUSES = (OrderStatus.CANCELLED, OrderStatus.REJECTED)
ORDERS_NAMED_IN_A_FLAG = 20


@dataclass(frozen=True)
class Item:
    """One line, this order's or a past one, as the limits see it."""

    pack_id: int
    quantity: int
    pack_size: int
    legal_category: str
    atc_code: str
    dosage_form: str
    ingredient_ids: frozenset[int] = frozenset()
    user_id: int | None = None
    address_key: str = ""
    created_at: datetime | None = None

    @property
    def units(self) -> int:
        return self.quantity * self.pack_size if self.dosage_form in COUNTED_DOSAGE_FORMS else 0


@dataclass(frozen=True)
class FlagDraft:
    kind: str
    message: str
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Findings:
    address_key: str
    phone_key: str
    flags: tuple[FlagDraft, ...]


@dataclass(frozen=True)
class Breach:
    limit: PurchaseLimit
    counted_before: int
    this_order: int
    resets_at: datetime | None


def apply_purchase_safeguards(*, order: Order, lines: Sequence) -> list[OrderFlag]:
    """Check the just-created `order` (its `lines` are the cart lines, packs with product and strengths
    prefetched) and record its contact keys and flags. Raises PurchaseLimitExceeded: the caller's
    transaction then rolls the order back. Call inside place_order's transaction."""
    findings = assess_order(order=order, lines=lines)
    return record_findings(order=order, findings=findings)


def assess_order(*, order: Order, lines: Sequence) -> Findings:
    """Writes nothing: the refusal (raised) or the flags this order would get. Takes the address lock when
    a per-address limit applies, so call it inside the placing transaction."""
    items = [_item_from_cart_line(line) for line in lines]
    needs_pharmacist = any(item.legal_category != LegalCategory.GENERAL_SALE for item in items)
    address = address_key(postcode=order.postcode, first_line=order.address_line1)
    phone = normalise_phone(order.phone)
    flags: list[FlagDraft] = []
    tables = safeguard_tables()
    for breach in _limit_breaches(order=order, items=items, address=address, limits=tables.limits):
        if breach.limit.enforcement == Enforcement.REFUSE or not needs_pharmacist:
            raise PurchaseLimitExceeded(
                _shopper_message(breach), field="cart", limit=breach.limit.name,
                resets_on=_local_date(breach.resets_at).isoformat() if breach.resets_at else None,
            )
        flags.append(_limit_flag(breach))
    flags.extend(_warning_signs(order=order, address=address, phone=phone, rules=tables.rules))
    return Findings(address_key=address, phone_key=phone, flags=tuple(flags))


def record_findings(*, order: Order, findings: Findings) -> list[OrderFlag]:
    _CONTACT.create(order=order, user_id=order.user_id, address_key=findings.address_key,
                    phone_key=findings.phone_key, created_at=order.created_at)
    if not findings.flags:
        return []
    return _FLAG.insert_many(
        OrderFlag(order=order, kind=flag.kind, message=flag.message, details=flag.details) for flag in findings.flags
    )


def record_card_fingerprint(*, order: Order, fingerprint: str) -> OrderFlag | None:
    """The extension point for payments: store the provider's card fingerprint for a paid order, and flag
    the order when other accounts paid with the same card within the shared-card rule's window.
    Idempotent: a second payment of the order with the same card adds no second flag. Call it inside the
    transaction that records the payment (payments.services.record_authorisation)."""
    if not fingerprint:
        return None
    # place_order recorded the contact (record_findings): one UPDATE, not update_or_create's savepoint,
    # locking read and save. Only an order placed before safeguards existed has none yet.
    if not record_contacts_card(order_id=order.pk, fingerprint=fingerprint):
        OrderContact.objects.create(
            order=order, user_id=order.user_id, card_fingerprint=fingerprint, created_at=order.created_at,
            address_key=address_key(postcode=order.postcode, first_line=order.address_line1),
            phone_key=normalise_phone(order.phone),
        )
    rule = safeguard_tables().rules.get(WarningSignKind.SHARED_CARD)
    if rule is None:
        return None
    # The most recent matches only, as for the address and phone: a card many accounts share (a fraud
    # ring, a gateway's test card) must not make every payment read its whole history.
    rows = contacts_paying_with(fingerprint=fingerprint, user_id=order.user_id, order_id=order.pk,
                                since=order.created_at - timedelta(days=rule.window_days))
    if not rows or rows[0][2]:
        return None
    others = [(user_id, number) for user_id, number, _ in rows]
    draft = _shared_flag(rule=rule, user_id=order.user_id, others=others, what="paid with the same card")
    if draft is None:
        return None
    return _FLAG.create(order=order, kind=draft.kind, message=draft.message, details=draft.details)


# --- Purchase limits ------------------------------------------------------------------------------


def _item_from_cart_line(line) -> Item:
    pack = line.pack
    product = pack.product
    return Item(
        pack_id=pack.pk, quantity=line.quantity, pack_size=pack.pack_size, legal_category=product.legal_category,
        atc_code=product.atc_code, dosage_form=product.dosage_form,
        ingredient_ids=frozenset(strength.ingredient_id for strength in pack.strengths.all()),
    )


def _matches(limit: PurchaseLimit, item: Item) -> bool:
    return (
        item.legal_category in limit.legal_categories
        and (limit.ingredient_id is None or limit.ingredient_id in item.ingredient_ids)
        and (not limit.atc_prefix or item.atc_code.startswith(limit.atc_prefix))
    )


def _limit_breaches(*, order: Order, items: list[Item], address: str,
                    limits: Sequence[PurchaseLimit]) -> list[Breach]:
    breaches = []
    for limit in limits:
        if limit.kind != LimitKind.UNITS_PER_ORDER:
            continue
        units = sum(item.units for item in items if _matches(limit, item))
        if units > limit.maximum:
            breaches.append(Breach(limit, counted_before=0, this_order=units, resets_at=None))
    window_limits = [
        limit for limit in limits
        if limit.kind != LimitKind.UNITS_PER_ORDER and any(_matches(limit, item) for item in items)
    ]
    if not window_limits:
        return breaches
    if any(limit.kind == LimitKind.PACKS_PER_ADDRESS for limit in window_limits):
        address_for_update(address_key=address)  # before reading what others sent to the address
    now = order.created_at
    past = _past_items(order=order, address=address,
                       since=now - timedelta(days=max(limit.window_days for limit in window_limits)),
                       known={item.pack_id: item.ingredient_ids for item in items})
    for limit in window_limits:
        window = timedelta(days=limit.window_days)
        this_order = sum(item.quantity for item in items if _matches(limit, item))
        same_buyer = (
            (lambda item: item.user_id == order.user_id) if limit.kind == LimitKind.PACKS_PER_CUSTOMER
            else (lambda item: item.address_key == address)
        )
        counted = [item for item in past
                   if item.created_at > now - window and same_buyer(item) and _matches(limit, item)]
        counted_before = sum(item.quantity for item in counted)
        over = counted_before + this_order - limit.maximum
        if over > 0:
            breaches.append(Breach(limit, counted_before, this_order, _resets_at(counted, over=over, window=window)))
    return breaches


def _past_items(*, order: Order, address: str, since: datetime, known: dict[int, frozenset[int]]) -> list[Item]:
    """Lines of this account's orders, and of any account's orders to this address, since `since`:
    one query for the lines, one for the ingredients of packs this order does not hold."""
    rows = list(
        OrderLine.objects.filter(order__created_at__gt=since)
        .filter(Q(order__user_id=order.user_id) | Q(order__safeguard_contact__address_key=address))
        .exclude(order_id=order.pk)
        .exclude(order__status__in=NOT_COUNTED_STATUSES)
        .exclude(decision=LineDecision.REFUSED)
        .values_list("pack_id", "quantity", "pack_size", "legal_category", "pack__product__atc_code",
                     "pack__product__dosage_form", "order__user_id", "order__safeguard_contact__address_key",
                     "order__created_at")
    )
    ingredients = {pack_id: set(ids) for pack_id, ids in known.items()}
    unknown = {row[0] for row in rows} - ingredients.keys()
    if unknown:
        for pack_id, ingredient_id in Strength.objects.filter(pack_id__in=unknown).values_list("pack_id",
                                                                                                "ingredient_id"):
            ingredients.setdefault(pack_id, set()).add(ingredient_id)
    return [
        Item(pack_id=pack_id, quantity=quantity, pack_size=pack_size, legal_category=category, atc_code=atc or "",
             dosage_form=form, ingredient_ids=frozenset(ingredients.get(pack_id, ())), user_id=user_id,
             address_key=key or "", created_at=created_at)
        for pack_id, quantity, pack_size, category, atc, form, user_id, key, created_at in rows
    ]


def _resets_at(counted: list[Item], *, over: int, window: timedelta) -> datetime | None:
    """When enough of the counted packs leave the window for this order to fit; None when this order
    alone is over the limit."""
    dropped = 0
    for item in sorted(counted, key=lambda item: item.created_at):
        dropped += item.quantity
        if dropped >= over:
            return item.created_at + window
    return None


def _local_date(moment: datetime):
    return timezone.localtime(moment).date()


def _readable_date(moment: datetime) -> str:
    day = _local_date(moment)
    return f"{day.day} {day:%B %Y}"


def _shopper_message(breach: Breach) -> str:
    limit = breach.limit
    if limit.kind == LimitKind.UNITS_PER_ORDER:
        return (f"{limit.name}: at most {limit.maximum} tablets or capsules in one order, across all packs; "
                f"this order has {breach.this_order}. Remove some packs to continue.")
    if limit.kind == LimitKind.PACKS_PER_CUSTOMER:
        text = (f"{limit.name}: at most {limit.maximum} packs per customer in {limit.window_days} days. You have "
                f"ordered {breach.counted_before} in the last {limit.window_days} days and this order has "
                f"{breach.this_order}.")
    else:
        text = (f"{limit.name}: at most {limit.maximum} packs can be delivered to one address in "
                f"{limit.window_days} days, and this order would take this address past that.")
    if breach.resets_at is None:
        return f"{text} This order alone is over the limit: remove some packs."
    return f"{text} The limit allows this order again from {_readable_date(breach.resets_at)}."


def _limit_flag(breach: Breach) -> FlagDraft:
    limit = breach.limit
    if limit.kind == LimitKind.UNITS_PER_ORDER:
        summary = f"{breach.this_order} tablets or capsules in this order (limit {limit.maximum})"
    else:
        who = "this customer" if limit.kind == LimitKind.PACKS_PER_CUSTOMER else "this delivery address"
        summary = (f"{breach.counted_before + breach.this_order} packs for {who} in {limit.window_days} days "
                   f"with this order (limit {limit.maximum})")
    return FlagDraft(
        kind=FlagKind.PURCHASE_LIMIT,
        message=f"{limit.name}: {summary}.",
        details={
            "limit_id": limit.pk, "limit": limit.name, "limit_kind": limit.kind, "maximum": limit.maximum,
            "window_days": limit.window_days, "counted_before": breach.counted_before,
            "this_order": breach.this_order,
            "resets_on": _local_date(breach.resets_at).isoformat() if breach.resets_at else None,
        },
    )


# --- Warning signs --------------------------------------------------------------------------------


def _warning_signs(*, order: Order, address: str, phone: str,
                   rules: dict[str, WarningSignRule]) -> list[FlagDraft]:
    wanted = {
        WarningSignKind.SHARED_ADDRESS: ("address_key", address),
        WarningSignKind.SHARED_PHONE: ("phone_key", phone),
    }
    wanted = {kind: match for kind, match in wanted.items() if kind in rules and match[1]}
    if not wanted:
        return []
    since = order.created_at - timedelta(days=max(rules[kind].window_days for kind in wanted))
    # Each row says, for each kind in turn, whether it has this order's value within that kind's window.
    rows = contacts_sharing(user_id=order.user_id, since=since, matches={
        column: (value, order.created_at - timedelta(days=rules[kind].window_days))
        for kind, (column, value) in wanted.items()})
    drafts = []
    for position, kind in enumerate(wanted, start=2):
        rule = rules[kind]
        others = [(row[0], row[1]) for row in rows if row[position]]
        what = (f"ordered to {order.address_line1}, {order.postcode}" if kind == WarningSignKind.SHARED_ADDRESS
                else f"gave the phone number {order.phone}")
        draft = _shared_flag(rule=rule, user_id=order.user_id, others=others, what=what)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _shared_flag(*, rule: WarningSignRule, user_id: int, others: list[tuple[int, str]], what: str) -> FlagDraft | None:
    accounts = {user_id} | {other_user for other_user, _ in others}
    if len(accounts) < rule.accounts:
        return None
    numbers = [number for _, number in others][:ORDERS_NAMED_IN_A_FLAG]
    return FlagDraft(
        kind=rule.kind,
        message=f"{len(accounts)} accounts {what} in the last {rule.window_days} days "
                f"(other orders: {', '.join(numbers)}).",
        details={"accounts": len(accounts), "window_days": rule.window_days, "other_orders": numbers},
    )
