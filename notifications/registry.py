"""Which builder writes the e-mail of each kind of outbox message.

How kinds are declared: the app that owns a message's data owns its kind. It declares its kinds as a
`TextChoices` of its own (`orders.models.MessageKind`, `accounts.models.AccountMessageKind`) and, in its
`AppConfig.ready()`, registers each kind with the builder that turns a message into an e-mail:

    for kind in MessageKind:
        register(kind, build_order_email)

The outbox stores a kind as the plain string value (`"order_placed"`); the values of kinds already stored
never change. The outbox sits below every app that sends messages and imports none of them, so it keeps
no list of kinds of its own and the `kind` column has no `choices`: the registry is the list, filled at
start-up, before any message is sent. The one exception is schema: see `models.EACH_TIME_KINDS`.

A kind registered twice with different builders is an error at start-up; a message whose kind has no
builder fails its send attempt with `UnknownMessageKind` naming the kind, and stays in the outbox.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.core.mail import EmailMessage


Builder = Callable[..., "EmailMessage"]  # called as builder(message=OutboxMessage)


class UnknownMessageKind(LookupError):
    """No app registered a builder for this kind (a typo, or the owning app is not installed)."""

    def __init__(self, kind: str) -> None:
        super().__init__(
            f"No builder is registered for outbox message kind {kind!r}; "
            f"registered kinds: {', '.join(sorted(_KINDS)) or 'none'}"
        )
        self.kind = kind


@dataclass(frozen=True)
class RegisteredKind:
    value: str
    label: str
    builder: Builder
    each_time: bool
    # Sent to an address nobody else may keep (an erased account's): the row forgets it once sent.
    forget_recipient: bool = False


_KINDS: dict[str, RegisteredKind] = {}


def register(
    kind: str, builder: Builder, *, label: str | None = None, each_time: bool = False, forget_recipient: bool = False
) -> None:
    """Register `builder(message=...)` as the e-mail for `kind`. The label defaults to a TextChoices
    member's label. `each_time`: a new message every time it happens to an order (the others are sent
    once per order); such a kind must also be listed in `models.EACH_TIME_KINDS`, which a system check
    verifies. `forget_recipient`: the address is removed from the row once the message is sent. Registering
    the same kind again with the same builder is a no-op (ready() may run twice)."""
    value = str(getattr(kind, "value", kind))
    entry = RegisteredKind(
        value=value, label=label or str(getattr(kind, "label", value)), builder=builder, each_time=each_time,
        forget_recipient=forget_recipient,
    )
    existing = _KINDS.get(value)
    if existing is not None and existing != entry:
        raise ValueError(f"Outbox message kind {value!r} is already registered with {existing.builder!r}")
    _KINDS[value] = entry


def unregister(kind: str) -> None:
    """For tests that register a kind of their own."""
    _KINDS.pop(str(getattr(kind, "value", kind)), None)


def lookup(kind: str) -> RegisteredKind:
    try:
        return _KINDS[str(kind)]
    except KeyError:
        raise UnknownMessageKind(str(kind)) from None


def builder_for(kind: str) -> Builder:
    return lookup(kind).builder


def is_registered(kind: str) -> bool:
    return str(kind) in _KINDS


def label_for(kind: str) -> str:
    """The kind's readable name, or the stored value itself for a kind nobody registered."""
    entry = _KINDS.get(str(kind))
    return entry.label if entry else str(kind)


def is_each_time(kind: str) -> bool:
    entry = _KINDS.get(str(kind))
    return bool(entry and entry.each_time)


def registered_kinds() -> list[RegisteredKind]:
    return sorted(_KINDS.values(), key=lambda entry: entry.value)
