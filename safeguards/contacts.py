"""The recent orders of other accounts that share a contact with an order (its address, phone or card), as
the warning signs read them. Checkout reads them on every order, so their SQL is compiled once per process
(pharmacy.compiled_query), found again by stand-ins no row has."""

from datetime import UTC, datetime, timedelta

from django.db.models import BooleanField, Exists, ExpressionWrapper, Q

from pharmacy.compiled_query import CompiledQuery, CompiledUpdate

from .models import FlagKind, OrderContact, OrderFlag

# The most recent matches only: enough to pass any sensible threshold and name the orders, and a busy
# address (a care home, a bench run) cannot make every checkout read its whole history.
CONTACTS_READ = 200
_STAND_IN_SINCE = datetime(1901, 4, 5, 6, 7, 8, 901, tzinfo=UTC)


def _sharing(columns: tuple[str, ...]) -> CompiledQuery:
    """Contacts matching any of `columns` ("address_key", "phone_key"), newest first, as rows of (user_id, order
    number, and for each column whether the contact has its value since that column's window started). The
    database answers the comparisons: the rows carry no time to convert (a busy address reads 200 of them)."""

    def build(*, since: datetime, user_id: int, **values):
        matching = Q()
        for column in columns:
            matching |= Q(**{column: values[column]})
        # Each value again, as a stand-in of its own: a stand-in appears once among the parameters.
        within = {f"{column}_within": ExpressionWrapper(
            Q(**{column: values[f"{column}_again"], "created_at__gt": values[f"{column}_since"]}),
            output_field=BooleanField()) for column in columns}
        return (OrderContact.objects.filter(matching, created_at__gt=since).exclude(user_id=user_id)
                .annotate(**within).order_by("-created_at")
                .values_list("user_id", "order__number", *within)[:CONTACTS_READ])

    stand_ins = {}
    for index, column in enumerate(columns):
        stand_ins.update({column: f"\x1fcompiled {column}\x1f", f"{column}_again": f"\x1fcompiled {column} again\x1f",
                          f"{column}_since": _STAND_IN_SINCE + timedelta(microseconds=index + 1)})
    return CompiledQuery(OrderContact, build, since=_STAND_IN_SINCE, user_id=-4_242_461, **stand_ins)


_SHARING = {columns: _sharing(columns) for columns in (("address_key",), ("phone_key",), ("address_key", "phone_key"))}


def contacts_sharing(*, user_id: int, since: datetime, matches: dict[str, tuple[str, datetime]]) -> list[tuple]:
    """Other accounts' contacts since `since` with any of the values of `matches` ({column: (value, window
    start)}, for "address_key", "phone_key" or both), oldest of the most recent CONTACTS_READ first, as
    (user_id, order number, and for each column of `matches` in its order, whether the contact has that
    column's value and was made after its window start)."""
    values = {}
    for column, (value, window_start) in matches.items():
        values.update({column: value, f"{column}_again": value, f"{column}_since": window_start})
    return _SHARING[tuple(matches)].run(since=since, user_id=user_id, **values)[::-1]


_CARD_OF_CONTACT = CompiledUpdate(
    OrderContact, lambda *, order_id, fingerprint: (OrderContact.objects.filter(order_id=order_id),
                                                    {"card_fingerprint": fingerprint}),
    order_id=-4_242_464, fingerprint="\x1fcompiled card of contact\x1f",
)


def record_contacts_card(*, order_id: int, fingerprint: str) -> int:
    """Set the card on the order's contact; the number of contacts updated (0: the order has none yet)."""
    return _CARD_OF_CONTACT.run(order_id=order_id, fingerprint=fingerprint)


def _paying_with(*, fingerprint: str, since: datetime, user_id: int, order_id: int):
    # Each row also says whether the order is flagged already (a retried payment): no query of its own.
    already_flagged = Exists(OrderFlag.objects.filter(order_id=order_id, kind=FlagKind.SHARED_CARD))
    return (
        OrderContact.objects.filter(card_fingerprint=fingerprint, created_at__gt=since)
        .exclude(user_id=user_id).annotate(already_flagged=already_flagged).order_by("-created_at")
        .values_list("user_id", "order__number", "already_flagged")[:CONTACTS_READ]
    )


def compiled_paying_with() -> CompiledQuery:
    """The card's read, compiled with CONTACTS_READ as it is when first run."""
    return CompiledQuery(OrderContact, _paying_with, fingerprint="\x1fcompiled card\x1f", since=_STAND_IN_SINCE,
                         user_id=-4_242_462, order_id=-4_242_463)


_PAYING_WITH = compiled_paying_with()


def contacts_paying_with(*, fingerprint: str, since: datetime, user_id: int, order_id: int) -> list[tuple]:
    """Other accounts' contacts since `since` paid with the card `fingerprint`, oldest of the most recent
    CONTACTS_READ first, as (user_id, order number, whether order `order_id` is flagged for a shared card)."""
    return _PAYING_WITH.run(fingerprint=fingerprint, since=since, user_id=user_id, order_id=order_id)[::-1]
