"""The privacy app's services: consent and the privacy notice, subject access exports, and the retention clock."""

from .consent import (
    active_consent,
    current_notice,
    give_consent,
    has_current_consent,
    publish_notice,
    require_current_consent,
    withdraw_consent,
)

__all__ = [
    "active_consent",
    "current_notice",
    "give_consent",
    "has_current_consent",
    "publish_notice",
    "require_current_consent",
    "withdraw_consent",
]
